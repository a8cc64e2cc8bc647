"""Build the search evaluation set: benchmarks/data/search_eval.jsonl (rules: README.md).

    python benchmarks/search_eval/build_set.py            # write the set
    python benchmarks/search_eval/build_set.py --check    # exit 1 when the file is out of date

Relevance comes from the lists themselves (headings, tables, titles) and from the fixed rule of
vocabulary_rule.py, never from a search engine. The catalogues are built through the mlsd CLI in
a temporary directory; the output is deterministic (same lists, same file).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: benchlib

from benchlib import ROOT
from catalogues import FENCE
from catalogues import FIELDS
from catalogues import HEADING
from catalogues import STOP_WORDS
from catalogues import Catalogue
from catalogues import Doc
from catalogues import build_all
from catalogues import list_source
from catalogues import sha1
from catalogues import words
from vocabulary_rule import CONCEPTS
from vocabulary_rule import compile_pattern
from vocabulary_rule import grade

OUT = ROOT / "benchmarks" / "data" / "search_eval.jsonl"
KNOWN_ITEMS_PER_LIST = 25
COMPANY_QUERIES_PER_COMPANY = 2
COMPANY_QUERIES_PER_LIST = 40
MIN_ITEMS = 3
GENERIC_HEADINGS = frozenset(
    (
        "table of contents",
        "contents",
        "content",
        "awesome lists",
        "community power",
        "a piece of cake",
        "resources",
        "talk",
        "talks",
        "book",
        "books",
        "others",
        "misc",
        "miscellaneous",
        "license",
        "contributing",
    )
)
COUNT = re.compile(r"\s*\(\d+\)\s*$")
CHAPTER = re.compile(r"^\s*chapter\s+\d+\.?\s*", re.IGNORECASE)
TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
ITEM_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*\|")
# [text](url): the text may hold one level of brackets (an image), the URL balanced parentheses.
LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?")
BARE_URL = re.compile(r"https?://[^\s<>()]+")
AT_COMPANY = re.compile(r"\sat\s+((?:[A-Z0-9][\w.&'-]*\s?){1,3})$")


@dataclass
class Heading:
    level: int
    text: str
    items: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # (first table cell, doc key)


def first_link(line: str) -> str | None:
    """The first non-image, non-anchor link of a line, else its first bare URL."""
    for match in LINK.finditer(line):
        if not match.group(2).startswith("#"):
            return match.group(2)
    bare = BARE_URL.search(line)
    return bare.group(0).rstrip(".,;:)") if bare else None


def read_headings(markdown: str, catalogue: Catalogue) -> list[Heading]:
    """Each heading of the list with its direct items, read from the markdown itself."""
    by_url = {d.url: d.key for d in catalogue.docs if d.url}
    url_less = [(d.title.lower(), d.key) for d in catalogue.docs if not d.url]
    headings: list[Heading] = [Heading(0, "")]
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else HEADING.match(line)
        if heading:
            headings.append(Heading(len(heading.group(1)), heading.group(2).strip()))
            continue
        if fenced or not ITEM_LINE.match(line):
            continue
        url = first_link(line)
        key = by_url.get(url) if url else None
        if key is None:
            key = next((k for title, k in url_less if title in line.lower()), None)
        current = headings[-1]
        if key is not None and key not in current.items:
            current.items.append(key)
        if key is not None and line.lstrip().startswith("|"):
            current.rows.append((line.split("|")[1].strip(), key))
    return headings


def heading_words(text: str) -> list[str]:
    return words(CHAPTER.sub("", COUNT.sub("", text)))


def is_topic(heading: Heading) -> bool:
    """A meaningful topic name with 3+ direct items (README: topic rules)."""
    name = " ".join(heading_words(heading.text))
    return (
        heading.level > 1
        and len(heading.items) >= MIN_ITEMS
        and not heading.text.lower().startswith("if ")
        and "et al" not in heading.text.lower()
        and name not in GENERIC_HEADINGS
        and any(w not in STOP_WORDS for w in heading_words(heading.text))
    )


def relevant(docs: dict[str, Doc], grades: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"url": docs[k].url, "title": docs[k].title, "grade": g} for k, g in sorted(grades.items())
    ]


class ListSet:
    """The queries of one list."""

    def __init__(self, name: str, visible: Catalogue, markdown: str) -> None:
        self.name = name
        self.docs = {d.key: d for d in visible.docs}
        self.headings = read_headings(markdown, visible)
        self.df: Counter[str] = Counter()
        for doc in visible.docs:
            self.df.update(set(words(doc.text(*FIELDS))))
        self.vocabulary = set(self.df)
        self.order = sorted(self.docs, key=sha1)

    def query(
        self, cls: str, n: int, text: str, grades: dict[str, int], source: str, **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": f"{cls}-{self.name}-{n:03d}",
            "class": cls,
            "list": self.name,
            "query": text,
            "sections_searchable": extra.pop("sections_searchable", True),
            "relevant": relevant(self.docs, grades),
            "source": source,
            **extra,
        }

    def topics(self) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for heading in filter(is_topic, self.headings):
            text = " ".join(w for w in heading_words(heading.text) if w not in STOP_WORDS)
            if text in seen:
                continue
            seen.add(text)
            grades = dict.fromkeys(heading.items, 1)
            source = f"heading: {heading.text}"
            n = len(seen)
            yield self.query("topic", n, text, grades, source)
            yield self.query("topic-hidden", n, text, grades, source, sections_searchable=False)

    def _distinctive(
        self, title: str, min_len: int, exclude: set[str]
    ) -> list[tuple[int, int, str]]:
        """(document frequency, position, word) of a title's candidate words, first use only."""
        found: dict[str, tuple[int, int, str]] = {}
        for pos, w in enumerate(words(title)):
            if len(w) >= min_len and w not in STOP_WORDS and not w.isdigit() and w not in exclude:
                found.setdefault(w, (self.df[w], pos, w))
        return list(found.values())

    def typo(self, query_words: list[str]) -> str | None:
        eligible = [w for w in query_words if w.isalpha() and len(w) >= 5]
        if not eligible:
            return None
        word = max(eligible, key=len)  # the first of the longest
        i = len(word) // 2
        typo = word[:i] + word[i + 1 :]
        if typo in self.vocabulary:
            typo = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        if typo == word or typo in self.vocabulary:
            return None
        return " ".join(typo if w == word else w for w in query_words)

    def known_items(self) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for key in self.order:
            if len(seen) == KNOWN_ITEMS_PER_LIST:
                break
            title = self.docs[key].title
            candidates = self._distinctive(title, 3, set())
            if len(candidates) < 2:
                continue
            chosen = sorted(candidates)[: 3 if len(candidates) >= 4 else 2]
            query_words = [w for _df, _pos, w in sorted(chosen, key=lambda c: c[1])]
            text = " ".join(query_words)
            if text in seen:
                continue
            seen.add(text)
            same = TRAILING_PAREN.sub("", title).strip().lower()
            grades = {
                k: 1
                for k, d in self.docs.items()
                if TRAILING_PAREN.sub("", d.title).strip().lower() == same
            }
            source = f"title: {title}"
            yield self.query("known-item", len(seen), text, grades, source)
            typo = self.typo(query_words)
            if typo is not None:
                yield self.query("known-item-typo", len(seen), typo, grades, source, clean=text)

    def companies(self) -> dict[str, list[str]]:
        """Company -> its items, as the list itself names them (README: company-topic)."""
        found: dict[str, list[str]] = defaultdict(list)
        names: dict[str, str] = {}
        for heading in self.headings:
            for cell, key in heading.rows:
                names.setdefault(cell.lower(), cell)
                found[cell.lower()].append(key)
        for key in self.docs if self.name == "awesome-scalability" else ():
            match = AT_COMPANY.search(self.docs[key].title)
            if match and match.group(1).strip().lower() != "scale":
                company = match.group(1).strip()
                names.setdefault(company.lower(), company)
                found[company.lower()].append(key)
        companies = {names[c]: keys for c, keys in found.items() if len(set(keys)) >= MIN_ITEMS}
        if self.name in ("neurarch-by-company", "seed-at-scale"):
            for heading in filter(is_topic, self.headings):
                companies[COUNT.sub("", heading.text)] = heading.items
        return companies

    def company_topics(self) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        for company, keys in sorted(self.companies().items(), key=lambda item: sha1(item[0])):
            if len(seen) >= COMPANY_QUERIES_PER_LIST:
                break
            made = 0
            for key in sorted(set(keys), key=sha1):
                if made == COMPANY_QUERIES_PER_COMPANY:
                    break
                found = self._distinctive(self.docs[key].title, 4, set(words(company)))
                candidates = [c for c in found if c[0] >= 2]  # the word alone is ambiguous
                if not candidates:
                    continue
                word = min(candidates)[2]
                text = f"{company} {word}"
                made += 1
                if text.lower() in seen or len(seen) == COMPANY_QUERIES_PER_LIST:
                    continue
                seen.add(text.lower())
                grades = {k: 1 for k in set(keys) if word in words(self.docs[k].title)}
                source = f"company: {company}; title: {self.docs[key].title}"
                yield self.query("company-topic", len(seen), text, grades, source)

    def vocabulary_queries(self) -> Iterator[dict[str, Any]]:
        n = 0
        for concept, forms, alternatives in CONCEPTS:
            pattern = compile_pattern(alternatives)
            grades = {k: g for k, d in self.docs.items() if (g := grade(pattern, d))}
            if not grades:
                continue
            for form in forms:
                n += 1
                yield self.query("vocabulary", n, form, grades, f"concept: {concept}")

    def all(self) -> Iterator[dict[str, Any]]:
        yield from self.topics()
        yield from self.known_items()
        yield from self.company_topics()
        yield from self.vocabulary_queries()


CLASS_ORDER = (
    "topic",
    "topic-hidden",
    "known-item",
    "known-item-typo",
    "company-topic",
    "vocabulary",
)


def build_set() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="mlsd-search-eval-") as tmp:
        catalogues = build_all(Path(tmp))
        queries: list[dict[str, Any]] = []
        for name, (visible, _hidden) in catalogues.items():
            markdown = list_source(name).read_text(encoding="utf-8")
            queries.extend(ListSet(name, visible, markdown).all())
    rank = {c: i for i, c in enumerate(CLASS_ORDER)}
    return sorted(queries, key=lambda q: (rank[q["class"]], q["id"]))


def render(queries: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUT, help="where to write the set")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args(argv)
    queries = build_set()
    text = render(queries)
    counts = Counter(q["class"] for q in queries)
    summary = ", ".join(f"{c} {counts[c]}" for c in CLASS_ORDER)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        print(f"{args.output}: {'up to date' if current == text else 'OUT OF DATE'} ({summary})")
        return 0 if current == text else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(queries)} queries to {args.output} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
