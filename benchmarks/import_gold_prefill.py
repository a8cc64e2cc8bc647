"""Pre-fill candidate gold rows for the corpus lists (tests/data/import_gold/README.md).

This only proposes candidates from the four corpus lists' regular line shapes; the committed
``tests/data/import_gold/*.jsonl`` is the ground truth, each row checked by reading it against
the source line (the hand decisions made while reading are the ``*_RULES`` tables below, so a
re-run reproduces the committed files exactly: ``python benchmarks/import_gold_prefill.py
--check`` says whether it does).

Sampling (deterministic): every item of the two neurarch files; every 5th item of
awesome-scalability and every 2nd item of awesome-llmops, counting items in document order
from 1 and keeping items 1, 1+k, 1+2k, ... Non-items (ToC lines, badges, prose with links,
"back to top" links, blockquotes) are labelled exhaustively in every list.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

from benchlib import ROOT
from benchlib import shared

CORPUS = shared("corpus")
GOLD = ROOT / "tests" / "data" / "import_gold"

LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
COUNT = re.compile(r"\s*\(\d+\)$")

# Section names of the neurarch files that are people (authors), not organisations.
PEOPLE = {
    "Cheng et al.",
    "Chawla et al.",
    "Chip Huyen",
    "Gao et al.",
    "Guo et al.",
    "He et al.",
    "Wang et al.",
}


def _row(line: int, raw: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"line": line, "raw": raw.rstrip("\n")}
    row.update(fields)
    return row


def _item(
    line: int,
    raw: str,
    section: list[str],
    title: str,
    url: str | None,
    **extra: Any,
) -> dict[str, Any]:
    row = _row(line, raw, is_item=True, n=extra.pop("n", 0))
    row.update(
        {
            "title": title,
            "url": url,
            "links": extra.pop("links", []),
            "description": extra.pop("description", ""),
            "authors": extra.pop("authors", []),
            "org": extra.pop("org", None),
            "year": extra.pop("year", None),
            "venue": extra.pop("venue", None),
            "section": section,
            "under": extra.pop("under", []),
            "shape": extra.pop("shape"),
        }
    )
    alt = extra.pop("alt", None)
    if alt:
        row["alt"] = alt
    note = extra.pop("note", None)
    if note:
        row["note"] = note
    assert not extra, extra
    return row


def _non_item(line: int, raw: str, section: list[str], why: str) -> dict[str, Any]:
    urls = [m.group(2) for m in LINK.finditer(raw)]
    urls += re.findall(r'(?:href|src)="([^"]+)"', raw)
    urls += [u for u in re.findall(r"https?://[^\s)>\"]+", raw) if u not in urls]
    return _row(line, raw, is_item=False, why=why, urls=urls, section=section)


def _split_org(company: str) -> dict[str, Any]:
    """The "Company" column of by-industry: an organisation, or people, or both."""
    if company == "Stanford / Hamilton et al.":
        return {"org": "Stanford", "authors": ["Hamilton et al."]}
    if company in PEOPLE:
        return {"authors": [company]}
    return {"org": company}


class Sections:
    """Heading path, H1 left out (it is the list's title, not a section)."""

    def __init__(self) -> None:
        self.path: list[tuple[int, str]] = []

    def heading(self, text: str) -> bool:
        m = HEADING.match(text)
        if not m:
            return False
        level = len(m.group(1))
        self.path = [(lv, t) for lv, t in self.path if lv < level]
        if level > 1:
            self.path.append((level, m.group(2)))
        return True

    @property
    def names(self) -> list[str]:
        return [t for _, t in self.path]


def _regular(
    lines: list[str],
    item: re.Pattern[str],
    groups: tuple[int, int, int],
    fields: Callable[[list[str], re.Match[str]], dict[str, Any]],
    other: Callable[[int, str], None],
) -> list[dict[str, Any]]:
    """The rows of a list whose every item has one shape: a line ``item`` matches is an item
    whose title, URL and description are the match's ``groups`` and whose other fields are
    ``fields(sections, match)``; another line with a link is prose; any other line goes to
    ``other`` (which asserts it is no item of another shape)."""
    rows: list[dict[str, Any]] = []
    sec = Sections()
    title, url, description = groups
    for no, raw in enumerate(lines, 1):
        if sec.heading(raw):
            continue
        m = item.match(raw)
        if m:
            names = sec.names
            extra = fields(names, m)
            rows.append(
                _item(no, raw, names, m[title], m[url], description=m[description], **extra)
            )
        elif LINK.search(raw):
            rows.append(_non_item(no, raw, sec.names, "prose"))
        else:
            other(no, raw)
    return rows


def neurarch_company(lines: list[str]) -> list[dict[str, Any]]:
    def fields(names: list[str], _m: re.Match[str]) -> dict[str, Any]:
        company = COUNT.sub("", names[-1])
        by = _split_org(company)
        alt = {key: [value] for key, value in by.items()}
        alt["org"] = [*alt.get("org", []), None] if "org" in alt else [None]
        return {
            "shape": "link-then-italic-topic",
            "alt": {"authors": [[], *alt.get("authors", [])], "org": alt["org"]},
            "note": "org/authors come from the heading, not the line: both accepted",
        }

    def other(no: int, raw: str) -> None:
        assert not raw.startswith(("- ", "* ", "|")), (no, raw)

    item = re.compile(r"^- \[([^\]]+)\]\((\S+)\) \*\(([^)]+)\)\*$")
    return _regular(lines, item, (1, 2, 3), fields, other)


def neurarch_industry(lines: list[str]) -> list[dict[str, Any]]:
    def fields(_names: list[str], m: re.Match[str]) -> dict[str, Any]:
        return {"shape": "table-row", **_split_org(m.group(1))}

    def other(no: int, raw: str) -> None:
        assert not raw.startswith(("- ", "* ")), (no, raw)
        assert not raw.startswith("|") or "Company" in raw or "---" in raw, (no, raw)

    item = re.compile(r"^\| ([^|]+?) \| \[([^\]]+)\]\((\S+)\) \| ([^|]+?) \|$")
    return _regular(lines, item, (2, 3, 4), fields, other)


# awesome-scalability: link texts "Title - Person[, Role at Org]" hold a byline (read by hand;
# the line number -> (title, authors, org) of each sampled row that has one).
SCALABILITY_BYLINES: dict[int, tuple[str, list[str], str | None]] = {
    37: ("Lessons from Giant-Scale Services", ["Eric Brewer"], "UC Berkeley & Google"),
    886: ("Cloud Big Data Design Patterns", ["Lynn Langit"], None),
    945: ("Building a Distributed Build System at Google Scale", ["Aysylu Greenberg"], "Google"),
    950: (
        "Architecture to Handle 80K RPS Celebrity Sales at Shopify",
        ["Simon Eskildsen"],
        "Shopify",
    ),
    955: (
        "Solving Large-scale Data Center and Cloud Interconnection Problems",
        ["Ihab Tarazi"],
        "Equinix",
    ),
    960: ("Scaling Infrastructure at Twitter", ["Yao Yue"], "Twitter"),
    965: ("Scaling Slack", ["Bing Wei"], "Slack"),
    970: (
        "Scaling (a NSFW site) to 200 Million Views A Day And Beyond",
        ["Eric Pickup"],
        "MindGeek",
    ),
}

# Other hand decisions on sampled rows of awesome-scalability.
SCALABILITY_FIXES: dict[int, dict[str, Any]] = {
    339: {
        "alt": {
            "title": ["Search Service at Twitter"],
            "year": [None, 2014],
            "org": [None, "Twitter"],
        },
        "note": "a year in parentheses at the end of the link text: title with or without it",
    },
    289: {
        "alt": {"title": ["Kafka"]},
        "note": "a label bullet (it has sub-items) whose link text is 'Name - what it is'",
    },
}


def _scalability_byline(text: str) -> tuple[str, list[str], str | None] | None:
    """Candidate split of "Title - Name, Role at Org" (checked by hand in SCALABILITY_BYLINES)."""
    if " - " not in text:
        return None
    title, tail = text.rsplit(" - ", 1)
    tail = tail.strip()
    who, _, role = tail.partition(", ")
    names = [n.strip() for n in who.split(" and ")]
    person = re.compile(r"^[A-Z][a-z]+(?: \([^)]*\))?(?: [A-Z][A-Za-z-]+)*$")
    if not all((person.match(n) and " " in n) or n == "Weingarten" for n in names):
        return None
    org: str | None = None
    if " at " in role:
        org = role.rsplit(" at ", 1)[1]
    elif role:
        org = role
    return title, names, org


def scalability(lines: list[str], every: int = 5) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    sec = Sections()
    item = re.compile(r"^(\t*|(?: {4})*)[*-] \[(.+)\]\((\S+)\)\s*$")
    count = 0
    stack: list[tuple[int, str]] = []
    toc = False
    for no, raw in enumerate(lines, 1):
        if sec.heading(raw):
            toc = sec.names == ["Content"]
            stack = []
            continue
        m = item.match(raw)
        if m and toc:
            rows.append(_non_item(no, raw, sec.names, "toc"))
            continue
        if m:
            depth = len(m.group(1).replace("    ", "\t"))
            stack = [(d, t) for d, t in stack if d < depth]
            under = [t for _, t in stack]
            stack.append((depth, m.group(2)))
            count += 1
            if (count - 1) % every:
                continue
            text, url = m.group(2), m.group(3)
            fields: dict[str, Any] = {"shape": "plain-link", "under": under}
            if no in SCALABILITY_BYLINES:
                title, authors, org = SCALABILITY_BYLINES[no]
                fields.update(
                    shape="byline-inside-link-text",
                    authors=authors,
                    org=org,
                    alt={"title": [text]},
                )
                text = title
            else:
                fields.update(SCALABILITY_FIXES.get(no, {}))
                org = text.rsplit(" at ", 1)[1] if " at " in text else None
                if org and "alt" not in fields:
                    fields["alt"] = {"org": [None, org]}
            rows.append(_item(no, raw, sec.names, text, url, **fields))
        elif LINK.search(raw) or raw.startswith("[!["):
            why = "badge" if raw.startswith("[![") else "prose"
            rows.append(_non_item(no, raw, sec.names, why))
        else:
            assert not re.match(r"^\s*[*-] ", raw), (no, raw)
    return rows


LLMOPS_NOTES = {
    642: 'the cell reads "[awesome-federated-learning](u)acc": "acc" is a typo, not the title',
}


def _emoji_alt(title: str) -> dict[str, Any] | None:
    """ "Langfuse 🪢": the link text as written, or without the decorating emoji."""
    bare = re.sub(r"[\s\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]+$", "", title)
    return {"title": [bare]} if bare != title else None


def llmops(lines: list[str], every: int = 2) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    sec = Sections()
    first = re.compile(r"^\[([^\]]+)\]\((\S+)\)(\S*)$")
    count = 0
    for no, raw in enumerate(lines, 1):
        if sec.heading(raw):
            continue
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
        m = first.match(cells[0]) if raw.startswith("| [") else None
        if m:
            count += 1
            if (count - 1) % every:
                continue
            description = cells[1]
            assert all(not c or c.startswith("![") for c in cells[2:]), (no, raw)
            links = [
                {"text": t, "url": u, "in_description": True} for t, u in LINK.findall(description)
            ]
            rows.append(
                _item(
                    no,
                    raw,
                    sec.names,
                    m.group(1),
                    m.group(2),
                    description=description,
                    links=links,
                    shape="table-row-with-badge-column",
                    note=LLMOPS_NOTES.get(no),
                    alt=_emoji_alt(m.group(1)),
                )
            )
        elif sec.names[:1] == ["Table of Contents"] and raw.lstrip().startswith("- ["):
            rows.append(_non_item(no, raw, sec.names, "toc"))
        elif "back to ToC" in raw:
            rows.append(_non_item(no, raw, sec.names, "back-to-top"))
        elif raw.startswith("<a href"):
            rows.append(_non_item(no, raw, sec.names, "badge"))
        elif raw.startswith("<!--"):
            rows.append(_non_item(no, raw, sec.names, "comment"))
        elif LINK.search(raw):
            rows.append(_non_item(no, raw, sec.names, "prose"))
        else:
            assert not re.match(r"^\s*[*-] ", raw), (no, raw)
    return rows


LISTS = {
    "neurarch-ml-system-design__by-company": neurarch_company,
    "neurarch-ml-system-design__by-industry": neurarch_industry,
    "awesome-scalability__README": scalability,
    "awesome-llmops__README": llmops,
}


EVERY = {"awesome-scalability__README": 5, "awesome-llmops__README": 2}


def _count_items(name: str) -> int:
    """All items of the list (the sampled ones and the others): every 1st item of a re-run."""
    text = (CORPUS / f"{name}.md").read_text(encoding="utf-8")
    func = LISTS[name]
    rows = func(text.split("\n"), 1) if name in EVERY else func(text.split("\n"))  # type: ignore[call-arg]
    return sum(r["is_item"] for r in rows)


def build(name: str) -> list[dict[str, Any]]:
    text = (CORPUS / f"{name}.md").read_text(encoding="utf-8")
    return LISTS[name](text.split("\n"))


def dump(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    lists: dict[str, dict[str, int]] = {}
    candidates = "--candidates" in argv
    status = 0
    for name in LISTS:
        rows = build(name)
        if candidates:
            for row in rows:
                if row["is_item"]:
                    found = _scalability_byline(row["raw"].split("](")[0].split("[", 1)[1])
                    if found and name.startswith("awesome-scalability"):
                        print(name, row["line"], found)
            continue
        every = EVERY.get(name, 1)
        lists[name] = {"items": _count_items(name), "every": every}
        out = GOLD / f"{name}.jsonl"
        if check:
            if not out.exists() or out.read_text(encoding="utf-8") != dump(rows):
                print(f"{out.name}: differs from the pre-fill plus the hand decisions")
                status = 1
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dump(rows), encoding="utf-8")
        items = sum(r["is_item"] for r in rows)
        print(f"{out.name}: {items} items, {len(rows) - items} non-items")
    meta = GOLD / "lists.json"
    text = json.dumps(lists, indent=2) + "\n"
    if check and not candidates and (not meta.exists() or meta.read_text("utf-8") != text):
        print(f"{meta.name}: differs")
        status = 1
    elif not check and not candidates:
        meta.write_text(text, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
