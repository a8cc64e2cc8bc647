"""Title normalisation for matching: two ways of typing one title give one string.

``normalize_title("[VIDEO] Uber’s Michelangelo — Part II (Search Online)")`` gives
``"ubers michelangelo part 2"``. Used by the duplicate matcher; never written to the catalogue.
"""

from __future__ import annotations

import re
import unicodedata

#: Words that say what a resource is, not what it is called: "[VIDEO] ...", "Paper: ...".
_KIND_WORDS = (
    "video|videos|paper|papers|slides|slide|deck|talk|keynote|podcast|audio|pdf|blog|blog post"
    "|post|article|book|course|tutorial|lecture|thread|tweet|tweets|podcast episode|webinar"
    "|notes|code|repo|github|youtube|arxiv|preprint|free|paywall|paywalled|search online"
)
#: A bracketed tag at the start: "[VIDEO]", "[Paper]", "[KDD '17 Paper]", "(Slides)".
_LEADING_TAG = re.compile(r"^\s*(?:\[[^\]]{1,40}\]|\((?:" + _KIND_WORDS + r")\))\s*[:\-–—|]?\s*")
#: "Video: ...", "Slides - ..." at the start.
_LEADING_WORD = re.compile(r"^\s*(?:" + _KIND_WORDS + r")\s*[:|]\s*", re.IGNORECASE)
#: "(Search Online)", "[PDF]", "(video)" at the end.
_TRAILING_TAG = re.compile(
    r"\s*[\[(]\s*(?:" + _KIND_WORDS + r")(?:\s*,\s*(?:" + _KIND_WORDS + r"))*\s*[\])]\s*\.?\s*$",
    re.IGNORECASE,
)
#: "... | by Jane Doe | Medium", "... - Medium", "... | Netflix TechBlog" style page suffixes.
_TRAILING_SITE = re.compile(
    r"\s+[|\-–—]\s+(?:by [^|]{1,60}\s+\|\s+)?(?:medium|the startup|towards data science|"
    r"netflix techblog|hacker noon|hackernoon|youtube|arxiv\.org|slideshare)\s*$",
    re.IGNORECASE,
)
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−⁃﹘﹣－"), "-")
_QUOTES = dict.fromkeys(map(ord, "‘’‚‛′`´ʼ"), "'") | dict.fromkeys(map(ord, "“”„‟″«»"), '"')
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_WITH = re.compile(r"(?<!\w)w/(?!\w)")
_NON_WORD = re.compile(r"[^\w+#]+|_")
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
}
#: Words after which a roman numeral or a number word is a number: "Part II", "Part Two".
_SERIES_WORDS = frozenset({"part", "chapter", "vol", "volume", "episode", "ep", "lecture", "no"})
_DIGIT = re.compile(r"\d")
#: Worth trying the decoration patterns: a bracket, a colon, a bar or a spaced dash.
_DECORATED = re.compile(r"[\[(|:]| - ")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_DIGITS = re.compile(r"\d+")


def _strip_decorations(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_TAG.sub("", text, count=1)
        text = _LEADING_WORD.sub("", text, count=1)
        text = _TRAILING_TAG.sub("", text, count=1)
        text = _TRAILING_SITE.sub("", text, count=1)
    return text


def fold_title(title: str) -> str:
    """A title as written, blanks collapsed and case folded: the same title, not a similar
    one (``"A"`` and ``"A :"`` fold apart, though :func:`normalize_title` makes them one)."""
    return " ".join(title.split()).casefold()


def normalize_title(title: str) -> str:
    """Lower-case words and numbers only, for comparing titles.

    Unicode NFKC, case, dash and quote variants, punctuation, "[VIDEO]"/"[KDD '17 Paper]"-style
    prefixes, "(Search Online)"/"[PDF]"-style suffixes and "| Medium"-style page suffixes make
    no difference; "Part II" and "Part Two" become "part 2", "2nd" becomes "2".
    """
    text = title
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    elif "`" in text:
        text = text.translate(_QUOTES)
    if _DECORATED.search(text):
        stripped = _strip_decorations(text)
        if stripped.strip():  # a title that is nothing but a tag keeps its words
            text = stripped
    text = text.casefold()
    if "'" in text:
        text = _APOSTROPHE.sub("", text)
    if "&" in text:
        text = text.replace("&", " and ")
    if "w/" in text:
        text = _WITH.sub(" with ", text)
    words = [w for w in _NON_WORD.split(text) if w]
    if not _DIGIT.search(text) and _SERIES_WORDS.isdisjoint(words):
        return " ".join(words)
    out: list[str] = []
    for word in words:
        ordinal = _ORDINAL.match(word) if word[0].isdigit() else None
        if ordinal:
            word = ordinal.group(1)
        elif out and out[-1] in _SERIES_WORDS:
            value = _ROMAN.get(word) or _NUMBER_WORDS.get(word)
            if value:
                word = str(value)
        out.append(word)
    return " ".join(out)


def title_numbers(normalized: str) -> tuple[int, ...]:
    """The numbers in a normalised title, sorted: "part 2 of 2019" -> (2, 2019).

    Titles whose numbers differ ("Part 1"/"Part 2", "2019"/"2020") are different resources.
    """
    return tuple(sorted(int(n) for n in _DIGITS.findall(normalized)))


# --------------------------------------------------------------------------- title variants

#: Words that make a bracketed tail part of the title: "(Part 1)", "(2 parts)", and the
#: forms of a work that are other works: "(transcript)", "(summary)".
_KEEP_TAIL = re.compile(
    r"\b(?:part|parts|chapter|vol|volume|episode|ep|lecture|edition|transcript|summary"
    r"|review|notes|companion|workbook|follow-up|exercises|solutions)\b",
    re.IGNORECASE,
)
_TRAILING_BRACKETS = re.compile(r"\s*(?:\(([^()]{1,120})\)|\[([^\[\]]{1,120})\])\s*\.?\s*$")
#: " | QCon London 2017", " | Proceedings of ...", " · DVC": a page's or event's name.
_TRAILING_BAR = re.compile(r"\s+[|·]\s+[^|·]{1,120}$")
#: A capitalised name word, not "The", "Part" or "II": "Jeff", "O'Neil", "Jean-Paul".
_NAME = (
    r"(?!(?:The|A|An|Part|Chapter|Volume|Vol|Episode|Lecture|Finale|Intro)\b)[A-Z][a-z][\w.'’-]*"
)
#: " - Jeff Dean, Google Senior Fellow", " - Rich Hickey": a speaker or author.
_TRAILING_BYLINE = re.compile(r"\s+[-–—]\s+" + _NAME + r"(?:\s+" + _NAME + r"){1,2}(?:\s*,.*)?$")
#: " - ACL Anthology", " - Google Research": a publisher's page suffix after a dash.
_TRAILING_PUBLISHER = re.compile(
    r"\s+[-–—]\s+(?:acl anthology|google research|meta ai(?: research)?|microsoft research"
    r"|usenix|infoq|youtube|slideshare|speaker ?deck|o'reilly(?: media)?|amazon\.com)\s*$",
    re.IGNORECASE,
)
#: "... by Gil Tene", "... by Andriy Burkov".
_TRAILING_BY = re.compile(r"\s+by\s+" + _NAME + r"(?:\s+" + _NAME + r"){1,2}\s*$")
#: "SREcon16 - ...", "QCon2019: ...": an event with its year before the title.
_LEADING_EVENT = re.compile(r"^\s*[A-Za-z]+\d{2,4}\s+[-–—:]\s+")


def core_title(title: str) -> str:
    """The title without what lists add around it, normalised (:func:`normalize_title`): a
    bracketed tail (the list's topic, the event, the author: "(KDD 2018)", "(Chip Huyen)";
    not "(Part 1)"), a ``| Site`` or ``| Event`` tail, a speaker's byline (" - Jeff Dean,
    Google", "by Gil Tene") and a leading "SREcon16 - "."""
    text = _LEADING_EVENT.sub("", title)
    previous = None
    while previous != text:
        previous = text
        match = _TRAILING_BRACKETS.search(text)
        if match and not _KEEP_TAIL.search(match.group(1) or match.group(2) or ""):
            text = text[: match.start()]
        for pattern in (_TRAILING_BAR, _TRAILING_PUBLISHER, _TRAILING_BYLINE, _TRAILING_BY):
            text = pattern.sub("", text)
    return normalize_title(text) if text.strip() else normalize_title(title)


def extra_numbers(title: str, core: str) -> tuple[int, ...]:
    """The numbers of ``title`` that its core title (``core``) left out: "(KDD 2018)" gives
    (2018,). Two titles whose left-out numbers both exist and differ are two editions
    ("Winter 2021"/"Winter 2022"), whatever their cores."""
    if not _DIGIT.search(title):
        return ()
    numbers = list(title_numbers(normalize_title(title)))
    for n in title_numbers(core):
        if n in numbers:
            numbers.remove(n)
    return tuple(numbers)


#: " 1st Edition" at the end of a subtitle: a shop's label for the book itself, not an edition
#: that tells it from another ("2nd Edition" does).
_FIRST_EDITION = re.compile(r"[\s,(]+(?:1st|first)\s+ed(?:ition|\.)?\)?\s*$", re.IGNORECASE)


def main_title(title: str) -> str:
    """The title before its subtitle ("Forecasting at Uber" of "Forecasting at Uber: An
    Introduction"), normalised; "" when there is no subtitle, when the subtitle has a number
    (an edition, a volume; a trailing "1st Edition" is no number) or when the rest is under
    three words."""
    text = _LEADING_EVENT.sub("", title)
    head, colon, rest = text.partition(":")
    rest = _FIRST_EDITION.sub("", rest)
    if not colon or _DIGIT.search(rest) or not rest.strip():
        return ""
    main = normalize_title(head)
    return main if main.count(" ") >= 2 else ""
