"""Scoring imported resources against gold rows (tests/data/import_gold/README.md says how).

Pure functions on plain dicts: a gold row (an item of ``tests/data/import_gold/*.jsonl`` or a
resource of a ``tests/data/import_shapes/*.expected.json``) and the catalogue that
``mlsd export --format json`` printed. ``benchmarks/import_fidelity.py`` runs the CLI and
reports; ``tests/test_import_scoring.py`` pins the rules.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

Row = dict[str, Any]
Resource = dict[str, Any]

_MD_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^()\s>]*(?:\([^()\s]*\)[^()\s>]*)*)>?[^)]*\)"
)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_WORD = re.compile(r"\w+", re.UNICODE)
_COUNT = re.compile(r"\s*\(\d+\)$")


def canonical_url(url: str | None) -> str | None:
    """The URL with scheme, ``www.``, a trailing ``/`` and case of the host ignored."""
    if not url:
        return None
    u = url.strip()
    m = re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#]*)(.*)$", u)
    if not m:
        return u  # relative or anchor: as written
    host, rest = m.group(1).lower(), m.group(2)
    host = host.removeprefix("www.")
    if rest.endswith("/"):
        rest = rest.rstrip("/")
    return host + rest


def spaces(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def plain(markdown: str) -> str:
    """Markdown as its reader sees it: links as their text, tags and emphasis markers gone."""
    text = _MD_LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group(1), markdown)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return spaces(html.unescape(text))


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(plain(text)) if w.strip("_")]


def _alts(row: Row, name: str) -> list[Any]:
    return [row.get(name), *row.get("alt", {}).get(name, [])]


def title_ok(row: Row, res: Resource, others: Sequence[str] = ()) -> bool:
    """Equal to the row's title (or an alt). ``others``: the titles the list gives the
    resource on its other lines (gold rule 17, one entry for several occurrences): the entry's
    title may be one of those when this row's own title is kept in its description."""
    got = spaces(res.get("title") or "")
    if any(got == spaces(t) for t in _alts(row, "title") if t is not None):
        return True
    kept = spaces(row.get("title") or "") in plain(res.get("description") or "")
    return kept and got in others


def link_urls(row: Row) -> list[str]:
    return [link["url"] if isinstance(link, dict) else link for link in row.get("links", [])]


def _extra_links(row: Row) -> list[str]:
    """Links of the item that are not inside its description (an importer may append them)."""
    desc = row.get("description") or ""
    return [u for u in link_urls(row) if u not in desc]


def strip_links(description: str, urls: Iterable[str]) -> str:
    """``description`` without the markdown links and bare URLs pointing at ``urls``."""
    wanted = {canonical_url(u) for u in urls}

    def drop(m: re.Match[str]) -> str:
        return "" if canonical_url(m.group(2)) in wanted else m.group(0)

    text = _MD_LINK.sub(drop, description)
    for url in urls:
        text = text.replace(url, "")
    return text


def description_ok(row: Row, res: Resource, shared: bool = False) -> bool:
    """The words of the description equal the row's. ``shared`` (the list gives the resource
    on other lines too, gold rule 17): the row's own description must be kept, a run of the
    entry's paragraphs with its words, alone or led by the row's own title (none: ok)."""
    text = strip_links(res.get("description") or "", _extra_links(row))
    wanted = [words(d or "") for d in _alts(row, "description")]
    if words(text) in wanted:
        return True
    if not shared:
        return False
    if [] in wanted:
        return True
    title = words(row.get("title") or "")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    runs = (
        words("\n\n".join(paragraphs[i:j]))
        for i in range(len(paragraphs))
        for j in range(i + 1, len(paragraphs) + 1)
    )
    return any(
        run in wanted or (run[: len(title)] == title and run[len(title) :] in wanted)
        for run in runs
    )


def _names(value: Any) -> Any:
    if isinstance(value, list):
        return [spaces(str(v)) for v in value]
    if isinstance(value, str):
        return spaces(value)
    return value


def byline_fields(row: Row, res: Resource, shared: bool = False) -> dict[str, bool]:
    """Per field (authors, org, year, venue): does the import equal the gold (or an alt)?
    ``shared`` (other rows share the resource, gold rule 17): a field the row leaves empty may
    hold another occurrence's value."""
    out = {}
    for name in ("authors", "org", "year", "venue"):
        got = _names(res.get(name) or ([] if name == "authors" else None))
        out[name] = any(got == _names(v) for v in _alts(row, name)) or (
            shared and not row.get(name)
        )
    return out


def dropped_links(row: Row, res: Resource | None) -> list[str]:
    """Gold URLs (main and others) found nowhere in the matched resource."""
    urls = [u for u in [row.get("url"), *link_urls(row)] if u]
    if res is None:
        return urls
    have = {canonical_url(res.get("url"))}
    for link in res.get("links") or []:
        have.add(canonical_url(link["url"] if isinstance(link, dict) else link))
    desc = res.get("description") or ""
    have.update(canonical_url(m.group(2)) for m in _MD_LINK.finditer(desc))
    return [u for u in urls if canonical_url(u) not in have and u not in desc]


def section_paths(catalogue: dict[str, Any], res: Resource) -> list[list[str]]:
    """Title paths (root first) of every section the resource is in."""
    by_id = {s["id"]: s for s in catalogue.get("sections", [])}
    paths = []
    for sid in res.get("sections") or []:
        path: list[str] = []
        while sid in by_id and len(path) < 20:
            path.insert(0, by_id[sid]["title"])
            sid = by_id[sid].get("parent")
        paths.append(path)
    return paths


def _heading(title: str) -> str:
    return spaces(_COUNT.sub("", plain(title))).casefold()


def section_ok(row: Row, paths: list[list[str]]) -> bool:
    """The row's innermost heading is one of the resource's sections (or an ancestor of one)."""
    if not row.get("section"):
        return True
    leaf = _heading(row["section"][-1])
    return any(leaf in [_heading(t) for t in path] for path in paths)


@dataclass
class Match:
    row: Row
    res: Resource | None
    how: str  # "url", "title", "description" or "none"


@dataclass
class Matcher:
    """Pairs gold rows with imported resources: by URL (several rows may share the entry that
    holds their URL, as an entry listed in several sections), else by title (one to one)."""

    catalogue: dict[str, Any]
    #: The imported markdown: a resource whose URL is written in it belongs to that link's line.
    source: str = ""
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.resources: list[Resource] = list(self.catalogue.get("resources", []))
        self.by_url: dict[str | None, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        for i, res in enumerate(self.resources):
            if res.get("url"):
                self.by_url.setdefault(canonical_url(res["url"]), []).append(i)
            self.by_title.setdefault(spaces(res.get("title") or "").casefold(), []).append(i)

    def _elsewhere(self, res: Resource) -> bool:
        url = res.get("url") or ""
        return bool(url) and url in self.source

    def _best(self, row: Row, candidates: list[int]) -> int:
        def rank(i: int) -> tuple[bool, bool, bool]:
            res = self.resources[i]
            return (
                i not in self.used,
                section_ok(row, section_paths(self.catalogue, res)),
                title_ok(row, res),
            )

        return max(candidates, key=rank)

    def match(self, row: Row) -> Match:
        candidates = self.by_url.get(canonical_url(row.get("url")), []) if row.get("url") else []
        how = "url"
        if not candidates:
            # by title only a resource that is no other line's: not one another row took, nor
            # one whose URL the source has (an item the importer held back or dropped must not
            # count as found because another entry has its name)
            titles = [spaces(t).casefold() for t in _alts(row, "title") if t]
            candidates = [
                i
                for t in titles
                for i in self.by_title.get(t, [])
                if i not in self.used and not self._elsewhere(self.resources[i])
            ]
            how = "title"
        if not candidates and row.get("url"):
            # the resource that keeps this occurrence's address in its description (one entry
            # for the same resource listed twice under two forms of its URL, gold rule 17)
            wanted = canonical_url(row["url"])
            candidates = [
                i
                for i, res in enumerate(self.resources)
                if any(
                    canonical_url(m.group(2)) == wanted
                    for m in _MD_LINK.finditer(res.get("description") or "")
                )
                and spaces(row.get("title") or "") in plain(res.get("description") or "")
            ]
            how = "description"
        if not candidates:
            return Match(row, None, "none")
        best = self._best(row, candidates)
        self.used.add(best)
        return Match(row, self.resources[best], how)


def non_item_resources(
    catalogue: dict[str, Any], items: list[Row], non_items: list[Row], *, exhaustive: bool
) -> tuple[list[Resource], list[Resource]]:
    """(imported resources that are non-items, resources matched by nothing in a sample).

    A resource is a non-item when its URL is a non-item row's and no item's, when it has no URL
    and no url-less item (its url, or an alt url, null) has its title, or (``exhaustive``:
    every item of the source is labelled) when it matches no item at all.
    """
    item_urls = {canonical_url(r.get("url")) for r in items if r.get("url")}
    item_urls.update(canonical_url(u) for r in items for u in link_urls(r))
    item_titles = {
        spaces(t).casefold()
        for r in items
        for t in _alts(r, "title")
        if t and (not r.get("url") or None in r.get("alt", {}).get("url", []))
    }
    non_urls = {canonical_url(u) for r in non_items for u in r.get("urls", [])}
    non_texts = {spaces(plain(r.get("raw", ""))).casefold() for r in non_items}
    bad, unknown = [], []
    for res in catalogue.get("resources", []):
        url = canonical_url(res.get("url"))
        title = spaces(res.get("title") or "").casefold()
        if url in item_urls or (not url and title in item_titles):
            continue
        if (url and url in non_urls) or not url or title in non_texts or exhaustive:
            bad.append(res)
        else:
            unknown.append(res)
    return bad, unknown


@dataclass
class Judged:
    """One gold row against the resource it matched: which fields are right."""

    row: Row
    res: Resource | None
    title: bool = False
    description: bool = False
    byline: bool = False
    section: bool = False
    dropped: list[str] = field(default_factory=list)


def _occurrences(res: Resource, lines: list[str]) -> list[str]:
    """The source lines that hold the resource's URL or a link of its description."""
    links = [m.group(2) for m in _MD_LINK.finditer(res.get("description") or "")]
    urls = {u for u in (res.get("url"), *links) if u}
    return [line for line in lines if any(u in line for u in urls)]


def judge(catalogue: dict[str, Any], rows: list[Row], source: str) -> list[Judged]:
    """Every row matched (:class:`Matcher`) and judged. A resource the list gives on several
    lines (its URL, or a link its description keeps, on two lines or more; or rows sharing it)
    is judged by gold rule 17: one entry whose title is one of the list's names for it, and
    which keeps each occurrence's own description."""
    matcher = Matcher(catalogue, source)
    matches = [matcher.match(row) for row in rows]
    sharing: dict[int, list[Row]] = {}
    for m in matches:
        if m.res is not None:
            sharing.setdefault(id(m.res), []).append(m.row)
    lines = source.splitlines()
    out = []
    for m in matches:
        if m.res is None:
            out.append(Judged(m.row, None, dropped=dropped_links(m.row, None)))
            continue
        res = m.res
        on = _occurrences(res, lines)
        shared = len(on) > 1 or len(sharing[id(res)]) > 1
        names = (
            [spaces(res.get("title") or "")]
            if any(spaces(res.get("title") or "") in plain(line) for line in on)
            else []
        )
        names += [spaces(r.get("title") or "") for r in sharing[id(res)] if r is not m.row]
        out.append(
            Judged(
                m.row,
                res,
                title=title_ok(m.row, res, names if shared else ()),
                description=description_ok(m.row, res, shared),
                byline=all(byline_fields(m.row, res, shared).values()),
                section=section_ok(m.row, section_paths(catalogue, res)),
                dropped=dropped_links(m.row, res),
            )
        )
    return out
