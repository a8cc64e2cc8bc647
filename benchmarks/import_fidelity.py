"""Benchmark: how faithfully `mlsd import` reads real lists, and whether the round trip is stable.

    python benchmarks/import_fidelity.py            # everything, a markdown report on stdout
    python benchmarks/import_fidelity.py --no-timing --details   # and the failing lines
    python benchmarks/import_fidelity.py --force     # import --force: look-alikes added too

Issue 9's measurement. Everything goes through the CLI in temporary directories
(``python -m mlsd_cli init``, ``import FILE -c CAT``, ``export --format json -c CAT``), never
the package's internals, so it measures what a user gets whatever the package layout:

1. **Corpus** (``../shared/corpus/``, four real lists): each list is imported into a fresh
   catalogue and its resources are matched to the gold rows of
   ``tests/data/import_gold/<list>.jsonl`` (rules: that folder's README). Per list: title
   accuracy, description in the description field, byline (authors, org, year, venue all
   right), section, non-items imported as resources (count and % of the list's items), links
   of items dropped, and items not found at all.
2. **Shape fixtures** (``tests/data/import_shapes/``): the same figures against each
   ``.expected.json``, plus its extra checks (catalogue title, sections kept or not made,
   links that must be kept somewhere).
3. **Round trip**, for each corpus list and each seed (``../shared/seeds/``), in both styles:
   export markdown -> import into a fresh catalogue -> export again; byte-identical? And are
   the re-imported resources the first catalogue's, field by field (full style)?
4. **awesome-lint** (``benchmarks/awesome_lint.py``, a port of three of its rules) on
   ``mlsd export --style awesome`` of each imported corpus list.
5. **Import time** of the largest corpus list: median of 3 fresh imports (whole process),
   beside ``python -c pass`` measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import awesome_lint
import import_scoring as sc
from benchlib import ROOT
from benchlib import child_env
from benchlib import python_pass
from benchlib import shared

GOLD = ROOT / "tests" / "data" / "import_gold"
SHAPES = ROOT / "tests" / "data" / "import_shapes"


class Cli:
    """Runs ``python -m mlsd_cli`` from this checkout's ``src`` in a scratch folder."""

    def __init__(self, workdir: Path, import_args: tuple[str, ...] = ()) -> None:
        self.workdir = workdir
        self.import_args = import_args
        self.env = child_env(src=ROOT / "src")
        self.count = 0

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "mlsd_cli", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=600,
        )
        if check and proc.returncode not in (0, 1):
            raise RuntimeError(f"mlsd {' '.join(args)}: exit {proc.returncode}: {proc.stderr}")
        return proc

    def fresh(self) -> str:
        self.count += 1
        cat = str(self.workdir / f"cat{self.count}.toml")
        self.run("init", cat)
        return cat

    def imported(self, source: Path) -> str:
        cat = self.fresh()
        self.run("import", str(source), "-c", cat, *self.import_args)
        return cat

    def json(self, cat: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(
            self.run("export", "--format", "json", "-c", cat).stdout
        )
        return result

    def markdown(self, cat: str, style: str) -> str:
        return self.run("export", "--format", "markdown", "--style", style, "-c", cat).stdout


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "n/a"


def score(
    catalogue: dict[str, Any],
    items: list[sc.Row],
    non_items: list[sc.Row],
    exhaustive: bool,
    source: str,
) -> dict[str, Any]:
    judged = sc.judge(catalogue, items, source)
    found = [j for j in judged if j.res is not None]
    bad, unknown = sc.non_item_resources(catalogue, items, non_items, exhaustive=exhaustive)
    failures: dict[str, list[Any]] = {"title": [], "description": [], "byline": [], "section": []}
    dropped = sum(len(j.dropped) for j in judged)
    for j in found:
        line = j.row.get("line") or j.row.get("title")
        for what in failures:
            if not getattr(j, what):
                failures[what].append(line)
    links = sum(len([u for u in [r.get("url"), *sc.link_urls(r)] if u]) for r in items)
    n = len(items)
    return {
        "items": n,
        "found": len(found),
        "failures": failures,
        "non_items": len(bad),
        "non_item_titles": [r.get("title") for r in bad],
        "unknown": len(unknown),
        "links": links,
        "dropped": dropped,
        "resources": len(catalogue.get("resources", [])),
    }


def _gold(name: str) -> tuple[list[sc.Row], list[sc.Row]]:
    rows = [json.loads(line) for line in (GOLD / f"{name}.jsonl").read_text("utf-8").splitlines()]
    return [r for r in rows if r["is_item"]], [r for r in rows if not r["is_item"]]


def corpus_figures(cli: Cli, corpus: Path) -> list[tuple[str, dict[str, Any], int]]:
    meta = json.loads((GOLD / "lists.json").read_text("utf-8"))
    out = []
    for name, info in meta.items():
        items, non_items = _gold(name)
        source = corpus / f"{name}.md"
        catalogue = cli.json(cli.imported(source))
        text = source.read_text("utf-8")
        figures = score(catalogue, items, non_items, info["every"] == 1, text)
        out.append((name, figures, int(info["items"])))
    return out


def _shape_extras(expected: dict[str, Any], catalogue: dict[str, Any]) -> list[str]:
    problems = []
    want = expected.get("catalogue", {})
    got = catalogue.get("catalogue", {})
    if "title" in want and sc.spaces(got.get("title") or "") != want["title"]:
        problems.append(f"catalogue title {got.get('title')!r}, want {want['title']!r}")
    if "description_contains" in want and want["description_contains"] not in (
        got.get("description") or ""
    ):
        problems.append("catalogue description lacks the list's first paragraph")
    by_id = {s["id"]: s for s in catalogue.get("sections", [])}
    paths = []
    for s in catalogue.get("sections", []):
        path: list[str] = []
        sid = s["id"]
        while sid in by_id and len(path) < 20:
            path.insert(0, sc.plain(by_id[sid]["title"]))
            sid = by_id[sid].get("parent")
        paths.append(path)
    for path in expected.get("sections", []):
        if not any(p[-len(path) :] == path for p in paths):
            problems.append(f"no section {' > '.join(path)}")
    for title in expected.get("not_sections", []):
        if any(p[-1] == title for p in paths):
            problems.append(f"section {title!r} should not exist")
    dump = json.dumps(catalogue, ensure_ascii=False)
    for url in expected.get("kept_urls", []):
        if url not in dump:
            problems.append(f"{url} dropped")
    return problems


def shape_figures(cli: Cli) -> list[tuple[str, dict[str, Any], list[str]]]:
    out = []
    for md in sorted(SHAPES.glob("*.md")):
        if md.name == "README.md":
            continue
        expected = json.loads(md.with_suffix(".expected.json").read_text("utf-8"))
        items = expected["resources"]
        non_items = [
            {"urls": [t], "raw": t} if "/" in t or t.startswith("#") or "." in t else {"raw": t}
            for t in expected.get("not_resources", [])
        ]
        catalogue = cli.json(cli.imported(md))
        figures = score(catalogue, items, non_items, True, md.read_text("utf-8"))
        out.append((md.stem, figures, _shape_extras(expected, catalogue)))
    return out


_COMPARED = ("title", "url", "kind", "authors", "org", "venue", "year", "description", "tags")


def _resource_rows(catalogue: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for res in catalogue.get("resources", []):
        paths = tuple(tuple(p) for p in sc.section_paths(catalogue, res))
        rows.append((*(json.dumps(res.get(k)) for k in _COMPARED), paths))
    return rows


def round_trip(cli: Cli, source: Path) -> dict[str, Any]:
    first = cli.imported(source)
    result: dict[str, Any] = {}
    for style in ("full", "awesome"):
        text1 = cli.markdown(first, style)
        md = cli.workdir / f"rt{cli.count}-{style}.md"
        md.write_text(text1, encoding="utf-8")
        second = cli.imported(md)
        text2 = cli.markdown(second, style)
        result[style] = text1 == text2
        if style == "full":
            result["fields"] = _resource_rows(cli.json(first)) == _resource_rows(cli.json(second))
        if not result[style]:
            lines1, lines2 = text1.splitlines(), text2.splitlines()
            diff = next(
                (i for i, (a, b) in enumerate(zip(lines1, lines2, strict=False)) if a != b),
                min(len(lines1), len(lines2)),
            )
            result[f"{style}_first_diff"] = diff + 1
    return result


def lint_figures(cli: Cli, corpus: Path) -> dict[str, dict[str, int]]:
    out = {}
    for source in sorted(corpus.glob("*__*.md")):
        text = cli.markdown(cli.imported(source), "awesome")
        counts = dict.fromkeys(awesome_lint.RULES, 0)
        for finding in awesome_lint.lint(text):
            counts[finding.rule] += 1
        out[source.stem] = counts
    return out


def import_time(cli: Cli, source: Path, repeat: int = 3) -> tuple[float, float]:
    times, bare = [], []
    for _ in range(repeat):
        cat = cli.fresh()
        start = time.perf_counter()
        cli.run("import", str(source), "-c", cat, *cli.import_args)
        times.append(time.perf_counter() - start)
        bare += python_pass(1)
    return statistics.median(times), statistics.median(bare)


def _row(name: str, f: dict[str, Any], total: int | None) -> str:
    n = f["found"]
    ok = {k: n - len(v) for k, v in f["failures"].items()}
    non = f"{f['non_items']} ({_pct(f['non_items'], total or f['items'])})"
    return (
        f"| {name} | {f['items']} | {f['items'] - n} | {_pct(ok['title'], f['items'])} "
        f"| {_pct(ok['description'], f['items'])} | {_pct(ok['byline'], f['items'])} "
        f"| {_pct(ok['section'], f['items'])} | {non} | {f['dropped']} of {f['links']} "
        f"| {f['resources']} | {f['unknown']} |"
    )


HEADER = (
    "| list | gold items | not found | title | description | byline | section "
    "| non-items imported (% of items) | links dropped | resources imported "
    "| unlabelled (outside the sample) |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def report(args: argparse.Namespace) -> str:
    corpus, seeds = shared("corpus"), shared("seeds")
    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mlsd-fidelity-") as tmp:
        cli = Cli(Path(tmp), ("--force",) if args.force else ())
        out += ["## Corpus lists (gold: tests/data/import_gold)", "", HEADER]
        corpus_rows = corpus_figures(cli, corpus)
        out += [_row(name, f, total) for name, f, total in corpus_rows]
        total = {k: sum(f[k] for _, f, _ in corpus_rows) for k in ("items", "found", "dropped")}
        out += ["", f"All lists: {total['items']} gold items, {total['found']} found."]
        out += ["", "## Shape fixtures (tests/data/import_shapes)", "", HEADER]
        shapes = shape_figures(cli)
        out += [_row(name, f, None) for name, f, _ in shapes]
        out += ["", "Other checks of the fixtures:", ""]
        out += [f"- {name}: {'; '.join(p)}" for name, _, p in shapes if p] or ["- all hold"]
        if args.details:
            out += ["", "## Failing lines", ""]
            for name, f, *_ in [*corpus_rows, *shapes]:
                for what, lines in f["failures"].items():
                    if lines:
                        out.append(f"- {name} {what}: lines {lines[:40]}")
                if f["non_item_titles"]:
                    out.append(f"- {name} non-items: {f['non_item_titles'][:20]}")
        out += ["", "## Round trip (export -> import into a fresh catalogue -> export)", ""]
        out += ["| list | full: identical | awesome: identical | resources equal (full) |"]
        out += ["| --- | --- | --- | --- |"]
        sources = [*sorted(corpus.glob("*__*.md")), *sorted(seeds.glob("*.txt"))]
        for source in sources:
            rt = round_trip(cli, source)

            def cell(style: str, rt: dict[str, Any] = rt) -> str:
                return "yes" if rt[style] else f"no (first diff line {rt[f'{style}_first_diff']})"

            fields = "yes" if rt["fields"] else "no"
            out.append(f"| {source.name} | {cell('full')} | {cell('awesome')} | {fields} |")
        out += ["", "## awesome-lint port on `export --style awesome` of each imported list", ""]
        out += ["| list | " + " | ".join(awesome_lint.RULES) + " |"]
        out += ["| --- |" + " ---: |" * len(awesome_lint.RULES)]
        for name, counts in lint_figures(cli, corpus).items():
            out.append(f"| {name} | " + " | ".join(str(c) for c in counts.values()) + " |")
        if not args.no_timing:
            largest = max(corpus.glob("*__*.md"), key=lambda p: p.stat().st_size)
            median, bare = import_time(cli, largest)
            out += ["", "## Import time", ""]
            out.append(
                f"`mlsd import {largest.name}` ({largest.stat().st_size:,} bytes) into a fresh "
                f"catalogue: median of 3 **{median:.2f} s** (`python -c pass`: {bare:.3f} s, "
                f"{median / bare:.1f}x)."
            )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-timing", action="store_true", help="skip the import timing")
    parser.add_argument("--details", action="store_true", help="list the failing lines")
    parser.add_argument(
        "--force",
        action="store_true",
        help="import with --force (items whose title looks like an entry's are added too)",
    )
    args = parser.parse_args(argv)
    sys.stdout.write(report(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
