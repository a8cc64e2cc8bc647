"""The BibTeX export: one entry per resource, with unique citation keys.

Entry types (``docs/export.md``):

- ``@article``: a paper whose venue is a journal (Journal, Transactions, Magazine, PVLDB...);
- ``@inproceedings``: a paper whose venue is a conference (Conference, Proceedings,
  Workshop, Symposium, or a known acronym such as KDD, NeurIPS, ACL, RecSys);
- ``@book``: a book;
- ``@misc`` otherwise, with ``howpublished = {\\url{...}}``.

A typed entry also needs its required fields (author and year; the venue is the journal,
booktitle or publisher); without them the resource is a ``@misc``, so every entry is
complete. Keys look like ``chang2017using`` (first author's last name, year, first word of the
title), made unique with ``b``, ``c``... Values are wrapped in braces; ``& % $ # _ { } ~ ^ \\``
are escaped so that braces always balance and LaTeX compiles them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.formats.export import ExportOptions
from mlsd_cli.formats.export import linkable

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile(r"[\\{}&%$#_~^]")

_CONFERENCE = re.compile(
    r"\b(conference|conf\.?|proceedings|proc\.|workshop|symposium|summit|"
    r"kdd|neurips|nips|icml|iclr|acl|emnlp|naacl|coling|eacl|cvpr|iccv|eccv|sigir|sigmod|"
    r"www|recsys|wsdm|cikm|aaai|ijcai|icde|icdm|osdi|sosp|nsdi|mlsys|sysml|debs|aistats|"
    r"uai|colt|eurosys|usenix|interspeech|icassp|chi|uist|fat\*?|facct|socc|middleware)\b",
    re.IGNORECASE,
)
_JOURNAL = re.compile(
    r"\b(journal|transactions|magazine|letters|jmlr|tmlr|pvldb|vldb endowment|"
    r"communications of the acm|cacm)\b",
    re.IGNORECASE,
)
#: Weaker signs of a journal, looked at only when the venue is not a conference.
_JOURNAL_WEAK = re.compile(r"\b(review|nature|science|queue|arxiv)\b", re.IGNORECASE)
_ET_AL_ANYWHERE = re.compile(r"\bet\s+al\.?")
_ET_AL_END = re.compile(r",?\s*\bet\s+al\.?$")
_INNER_AND = re.compile(r"\sand\s", re.IGNORECASE)
_KEY_STOPWORDS = frozenset({"a", "an", "the", "on", "of", "in", "to", "for", "and"})
_NON_KEY = re.compile(r"[^a-z0-9]+")


def escape(text: str) -> str:
    """A BibTeX/LaTeX-safe value: special characters escaped, whitespace collapsed."""
    text = " ".join(text.split())
    if _LATEX_RE.search(text) is None:
        return text
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], text)


def escape_url(url: str) -> str:
    """A URL for ``url = {...}`` and ``\\url{...}``: braces and backslashes percent-encoded,
    ``%`` and ``#`` escaped (the url and hyperref packages read ``\\%`` and ``\\#``)."""
    url = url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    return url.replace("%", r"\%").replace("#", r"\#")


def entry_type(r: Resource) -> str:
    """article, inproceedings, book or misc (see the module docstring)."""
    complete = bool(r.authors) and r.year is not None and bool(r.venue)
    if r.kind == "book" and complete:
        return "book"
    if r.kind == "paper" and complete and r.venue:
        if _JOURNAL.search(r.venue):
            return "article"
        if _CONFERENCE.search(r.venue):
            return "inproceedings"
        if _JOURNAL_WEAK.search(r.venue):
            return "article"
    return "misc"


def _ascii_word(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_KEY.sub("", text.lower())


def last_name(author: str) -> str:
    """'Robert Chang' -> 'Chang'; 'Bernardi et al.' -> 'Bernardi';
    'Richard H. Granger, Jr.' -> 'Granger'."""
    name = _ET_AL_ANYWHERE.sub("", author).strip(" ,")
    name = name.split(",")[0].strip()
    words = [w for w in name.split() if _ascii_word(w)]
    return words[-1] if words else ""


def base_key(r: Resource) -> str:
    """'chang2017using': first author's last name (or the org), year, first title word."""
    who = ""
    if r.authors:
        who = _ascii_word(last_name(r.authors[0]))
    if not who and r.org:
        who = _ascii_word(r.org.split()[0]) if r.org.split() else ""
    first = ""
    for raw in r.title.split():
        word = _ascii_word(raw)
        if word and not first:
            first = word  # a title of stop words only keeps its first
        if word and word not in _KEY_STOPWORDS:
            first = word
            break
    key = f"{who or 'anon'}{r.year or ''}{first}"
    return key or _ascii_word(r.id) or "entry"


def unique_keys(resources: list[Resource]) -> list[str]:
    """One key per resource, in order; repeats get ``b``, ``c``, ... then ``-27``, ``-28``..."""
    taken: set[str] = set()
    keys = []
    for r in resources:
        base = base_key(r)
        key = base
        n = 1
        while key in taken:
            n += 1
            key = f"{base}{chr(ord('a') + n - 1)}" if n <= 26 else f"{base}-{n}"
        taken.add(key)
        keys.append(key)
    return keys


def bib_author(author: str) -> str:
    """One name for the ``author`` field. 'X et al.' -> 'X and others'; a name with a comma
    or an ' and ' inside is braced, so BibTeX keeps it whole."""
    name = " ".join(author.split())
    others = ""
    match = _ET_AL_END.search(name)
    if match:
        name = name[: match.start()].strip()
        others = " and others"
    value = escape(name)
    if "," in name or _INNER_AND.search(name):
        value = "{" + value + "}"
    return value + others if value else others.removeprefix(" and ")


def fields(r: Resource, kind: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [("title", "{" + escape(r.title) + "}")]
    authors = [a for a in (bib_author(a) for a in r.authors) if a]
    if authors:
        out.append(("author", " and ".join(authors)))
    venue = escape(r.venue) if r.venue else ""
    if kind == "article":
        out.append(("journal", venue))
    elif kind == "inproceedings":
        out.append(("booktitle", venue))
    elif kind == "book":
        out.append(("publisher", venue))
    if r.year is not None:
        out.append(("year", str(r.year)))
    url = r.url if linkable(r.url) else None
    if kind == "misc":
        if url:
            out.append(("howpublished", r"\url{" + escape_url(url) + "}"))
        if venue:
            out.append(("note", venue))
        elif r.org:
            out.append(("note", escape(r.org)))
    if url:
        out.append(("url", escape_url(url)))
    if r.tags:
        out.append(("keywords", escape(", ".join(r.tags))))
    return out


def entries(catalogue: Catalogue, options: ExportOptions) -> Iterator[str]:
    resources = list(options.resources(catalogue))
    for r, key in zip(resources, unique_keys(resources), strict=True):
        kind = entry_type(r)
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields(r, kind))
        yield f"@{kind}{{{key},\n{body}\n}}\n"


def render(catalogue: Catalogue, options: ExportOptions) -> str:
    # BibTeX reads text outside entries as a comment as long as it holds no "@".
    header = "% Exported by mlsd from its catalogue; one entry per resource.\n"
    return header + "\n" + "\n".join(entries(catalogue, options))
