"""The lists of the search evaluation set, made into catalogues through the mlsd CLI only.

Every catalogue is built with `mlsd init`, `mlsd import` and `mlsd export --format json`, run as
processes: the set must not depend on mlsd's internal API, which is being reorganised. Each list
gives two catalogues: one as imported ("visible"), one imported from a copy of the list whose
headings are neutral labels ("hidden"), for the runs where section names are not searchable.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: benchlib

from benchlib import shared

#: (name, directory under shared/, file name) of every list, in a fixed order.
LISTS = (
    ("neurarch-by-company", "corpus", "neurarch-ml-system-design__by-company.md"),
    ("neurarch-by-industry", "corpus", "neurarch-ml-system-design__by-industry.md"),
    ("awesome-scalability", "corpus", "awesome-scalability__README.md"),
    ("awesome-llmops", "corpus", "awesome-llmops__README.md"),
    ("seed-at-scale", "seeds", "000_419a78b3be976295.txt"),
    ("seed-dmls-resources", "seeds", "002_1bdbb483829957a0.txt"),
)

#: The searched fields, in the order of the baselines' columns.
FIELDS = ("title", "description", "tags", "org", "authors", "venue", "sections")

WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "vs",
        "we",
        "what",
        "why",
        "with",
        "you",
        "your",
    ]
)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits, lower case, accents folded."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return WORD.findall(folded)


def list_source(name: str) -> Path:
    for list_name, folder, file_name in LISTS:
        if list_name == name:
            return shared(folder) / file_name
    raise SystemExit(f"error: unknown list {name!r}; valid: {', '.join(n for n, _, _ in LISTS)}")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Doc:
    """One resource of a catalogue, as its JSON export gives it."""

    key: str
    url: str | None
    title: str
    fields: dict[str, str]
    own_sections: tuple[str, ...]

    def text(self, *names: str) -> str:
        return " \n ".join(self.fields[name] for name in names)


def doc_key(url: str | None, title: str) -> str:
    """How the set names a document: its URL, else its title (ids depend on the importer)."""
    return url if url else f"title:{title}"


def docs_from_export(data: dict[str, Any]) -> list[Doc]:
    titles = {s["id"]: s["title"] for s in data["sections"]}
    docs = []
    for r in data["resources"]:
        own = tuple(titles.get(s, s) for s in r["sections"])
        fields = {
            "title": r["title"],
            "description": r.get("description") or "",
            "tags": " | ".join(r.get("tags") or []),
            "org": r.get("org") or "",
            "authors": " | ".join(r.get("authors") or []),
            "venue": r.get("venue") or "",
            "sections": " | ".join(own),
        }
        docs.append(Doc(doc_key(r.get("url"), r["title"]), r.get("url"), r["title"], fields, own))
    return docs


def mlsd(*args: str, cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    """Run ``python -m mlsd_cli ARGS`` and return its stdout; stop on an exit code not in ``ok``."""
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in ok:
        raise SystemExit(f"error: mlsd {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc.stdout


def neutral_headings(markdown: str) -> str:
    """The list with every heading's text replaced by a neutral label (s001, s002, ...)."""
    out, fenced, count = [], False, 0
    for line in markdown.splitlines(keepends=True):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line.rstrip("\r\n"))
        if match:
            count += 1
            line = f"{match.group(1)} s{count:03d}\n"
        out.append(line)
    return "".join(out)


@dataclass
class Catalogue:
    name: str
    path: Path
    docs: list[Doc]


def import_list(markdown: str, name: str, workdir: Path) -> tuple[Catalogue, dict[str, Any]]:
    source = workdir / f"{name}.md"
    source.write_text(markdown, encoding="utf-8")
    path = workdir / f"{name}.toml"
    mlsd("init", str(path), cwd=workdir)
    # --force: every item of the list is a document, also one whose title looks like another's
    # (the same resource is still skipped); exit 1 = items left out, which the lists repeat.
    mlsd("import", str(source), "-c", str(path), "--force", cwd=workdir, ok=(0, 1))
    data = json.loads(mlsd("export", "--format", "json", "-c", str(path), cwd=workdir))
    return Catalogue(name, path, docs_from_export(data)), data


def _shape(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The resources without their section names: what the hidden copy must keep."""
    order = {s["id"]: i for i, s in enumerate(data["sections"])}
    kept = ("url", "title", "description", "org", "authors", "venue", "tags", "kind")
    return [
        (*(json.dumps(r.get(k)) for k in kept), tuple(order[s] for s in r["sections"]))
        for r in data["resources"]
    ]


def build(name: str, workdir: Path) -> tuple[Catalogue, Catalogue]:
    """The visible and the hidden catalogue of one list, in ``workdir``."""
    markdown = list_source(name).read_text(encoding="utf-8")
    visible, visible_data = import_list(markdown, name, workdir)
    hidden, hidden_data = import_list(neutral_headings(markdown), f"{name}.hidden", workdir)
    if _shape(visible_data) != _shape(hidden_data):
        raise SystemExit(
            f"error: {name}: the neutral-heading copy imports different resources; the hidden "
            "run would not compare like with like"
        )
    return visible, hidden


def build_all(
    workdir: Path, names: Iterable[str] | None = None
) -> dict[str, tuple[Catalogue, Catalogue]]:
    chosen = list(names) if names is not None else [n for n, _, _ in LISTS]
    return {name: build(name, workdir) for name in chosen}
