"""Candidate duplicate pairs from real, overlapping lists (the groundwork of issue 10).

    python benchmarks/dedupe_candidates.py              # writes benchmarks/out/dedupe_candidates.tsv
    python benchmarks/dedupe_candidates.py -o -         # ...or prints it
    python benchmarks/dedupe_candidates.py --threshold 70

Builds one catalogue in a temporary directory **through the CLI only** (``mlsd init``, then
``mlsd import FILE -c CAT --force`` for every list, then ``mlsd export --format json``), so
it does not depend on the package's internal layout. The lists: the two seeds
(``../shared/seeds/``, what ``resources.toml`` was imported from) and the four corpus lists
(``../shared/corpus/``).

Candidates are generated for recall, not precision; a pair is a candidate when any of:

- ``title``: rapidfuzz ``token_set_ratio`` of the normalised titles (lower case, accents and
  punctuation dropped, spaces collapsed) is at least ``--threshold`` (default 60);
- ``slug``: the last non-empty URL path segment (lower case, ``.html``/``.pdf``/... dropped) is
  the same on any host, and distinctive (at least 8 characters, no other dot, not all digits,
  not a generic segment such as ``index`` or ``readme``); a slug of 4 to 7 characters counts
  between hosts of one site (the same label before the public suffix: ``eng.uber.com/cota/``
  and ``www.uber.com/blog/cota/``);
- ``key``: the same identity key (``mlsd_cli.matching.urls.identity_key`` when importable,
  else a small canonical form: host without ``www.``/``m.``, no query, no trailing slash).

Entries are named by URL (``title:<title>`` for url-less ones) and never by catalogue id, since
ids depend on the importer. A pair's key is the first 12 hex digits of the SHA-1 of its two
entry names sorted and joined by a newline, so it is stable across importer changes; a pair's
``a`` side is the entry whose name sorts first. The output is sorted by pair key.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchlib import ROOT
from benchlib import shared

DEFAULT_OUT = ROOT / "benchmarks" / "out" / "dedupe_candidates.tsv"  # 2 MB, not committed
LABELS = ROOT / "tests" / "data" / "dedupe_labels.tsv"
LISTS = (
    "seeds/000_419a78b3be976295.txt",
    "seeds/002_1bdbb483829957a0.txt",
    "corpus/neurarch-ml-system-design__by-company.md",
    "corpus/neurarch-ml-system-design__by-industry.md",
    "corpus/awesome-scalability__README.md",
    "corpus/awesome-llmops__README.md",
)
COLUMNS = (
    "pair_key",
    "reasons",
    "title_score",
    "screen",
    "selected_by",
    "url_a",
    "title_a",
    "kind_a",
    "sections_a",
    "url_b",
    "title_b",
    "kind_b",
    "sections_b",
)
TOP_SCREEN = 330  # title-only candidates labelled by screen score
SAMPLE = 80  # ...and by a hash sample of the rest
MIN_SLUG = 8  # a slug this long matches on any host
MIN_SHORT_SLUG = 4  # a shorter one only between hosts of one site (eng.uber.com, www.uber.com)
GENERIC_SLUGS = frozenset(
    {
        *("index", "readme", "about", "blog", "docs", "home", "main", "master", "overview"),
        *("watch", "view", "post", "posts", "entry", "detail", "edit", "paper", "papers", "llmops"),
    }
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TRAILING_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
_SPEAKER = re.compile(r"\s+-\s+[^-]*\bat\b.*$")
_EXTENSION = re.compile(r"\.(html?|pdf|php|aspx?|md)$")


def _fallback_identity_key(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        host = host.removeprefix(prefix)
    return f"{host}{parts.path.rstrip('/')}" if host else url.strip()


def _identity_key_function() -> Callable[[str], str]:
    try:
        from mlsd_cli.matching.urls import identity_key
    except ImportError:  # the package moved: keep generating, with a simpler key
        return _fallback_identity_key
    return identity_key


def entry_name(url: str | None, title: str) -> str:
    """How a labelled entry is named: its URL, or ``title:<title>`` when it has none."""
    return url if url else f"title:{title}"


def pair_key(name_a: str, name_b: str) -> str:
    low, high = sorted((name_a, name_b))
    return hashlib.sha1(f"{low}\n{high}".encode()).hexdigest()[:12]


def normalise(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def screen_score(title_a: str, title_b: str) -> float:
    """How much two titles look like one work, for choosing which candidates to label.

    A trailing ``(...)`` (a topic the list appended) and a `` - Speaker, Role at Company`` tail
    are dropped; then the best of ``ratio`` and ``token_sort_ratio``, and ``token_set_ratio``
    minus 5 when both titles have at least four words (a subtitle added or dropped).
    """
    from rapidfuzz import fuzz

    a, b = (normalise(_SPEAKER.sub("", _TRAILING_PAREN.sub("", t))) for t in (title_a, title_b))
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    if min(len(a.split()), len(b.split())) >= 4:
        score = max(score, fuzz.token_set_ratio(a, b) - 5)
    return round(score, 1)


def url_slug(url: str | None) -> str | None:
    """The last non-empty path segment when it is distinctive enough to match on any host."""
    if not url:
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return None
    slug = _EXTENSION.sub("", segments[-1].lower())
    if len(slug) < MIN_SHORT_SLUG or "." in slug or slug.isdigit() or slug in GENERIC_SLUGS:
        return None
    return slug


def site_label(url: str) -> str:
    """The host's main label (``eng.uber.com`` -> ``uber``), for short slugs on one site."""
    labels = (urlsplit(url).hostname or "").lower().split(".")
    return labels[-2] if len(labels) >= 2 else labels[0]


def run_mlsd(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[int, str]:
    """Run ``python -m mlsd_cli ARGS``: its exit status and stdout; stop on a status not in ``ok``."""
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode not in ok:
        raise SystemExit(f"mlsd {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc.returncode, proc.stdout


def import_list(path: Path, catalogue: str) -> dict[str, Any]:
    """``mlsd import --force --json`` of one list; its report.

    --force: every item is an entry, also one whose title looks like another's (what the
    candidates are about); the same resource is still skipped. Exit 1 means items were left out
    (findings, issue 10), which the overlapping lists make certain: accepted only when the report
    names them. Exit 2 (bad data) or anything else stops the script.
    """
    status, out = run_mlsd(["import", str(path), "-c", catalogue, "--force", "--json"], ok=(0, 1))
    report: dict[str, Any] = json.loads(out)
    if status == 1 and not (report["skipped"] or report["possible_duplicates"]):
        raise SystemExit(f"mlsd import {path} exited 1 but its report leaves nothing out")
    return report


def build_catalogue(lists: Iterable[Path]) -> list[dict[str, Any]]:
    """Import every list into one fresh catalogue through the CLI; its resources as JSON."""
    with tempfile.TemporaryDirectory(prefix="mlsd-dedupe-") as tmp:
        cat = str(Path(tmp) / "merged.toml")
        run_mlsd(["init", cat])
        for path in lists:
            import_list(path, cat)
        data = json.loads(run_mlsd(["export", "--format", "json", "-c", cat])[1])
    resources: list[dict[str, Any]] = data["resources"]
    return resources


def _entries(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per name (the importer skips exact URLs, so names are already unique)."""
    seen: dict[str, dict[str, Any]] = {}
    for r in resources:
        seen.setdefault(entry_name(r.get("url"), r["title"]), r)
    return [seen[name] for name in sorted(seen)]


def _slug_value(r: dict[str, Any]) -> str | None:
    slug = url_slug(r.get("url"))
    if slug is None or len(slug) >= MIN_SLUG:
        return slug
    return f"{site_label(r['url'])}/{slug}"


def candidate_pairs(
    resources: list[dict[str, Any]], threshold: float
) -> list[tuple[int, int, set[str], float]]:
    from rapidfuzz import fuzz
    from rapidfuzz import process

    entries = _entries(resources)
    titles = [normalise(r["title"]) for r in entries]
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    scores = process.cdist(titles, titles, scorer=fuzz.token_set_ratio, score_cutoff=threshold)
    for i, j in zip(*scores.nonzero(), strict=True):
        if i < j and titles[i] and titles[j]:
            reasons[(int(i), int(j))].add("title")
    key_of = _identity_key_function()
    for reason, value_of in (
        ("slug", _slug_value),
        ("key", lambda r: key_of(r["url"]) if r.get("url") else None),
    ):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(entries):
            value = value_of(r)
            if value:
                groups[value].append(i)
        for members in groups.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    reasons[(i, j)].add(reason)
    out = []
    for (i, j), why in reasons.items():
        out.append((i, j, why, float(fuzz.token_set_ratio(titles[i], titles[j]))))
    return out


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def selection(table: list[list[str]]) -> dict[str, str]:
    """Which candidates were labelled, and why (the rule of ``tests/data/dedupe_labels.md``).

    Every ``slug`` or ``key`` candidate; the ``TOP_SCREEN`` title-only candidates with the
    highest screen score (ties by pair key); ``SAMPLE`` more of the rest, those whose pair key
    has the smallest SHA-1 (a deterministic random sample).
    """
    chosen = {r[0]: "slug/key" for r in table if r[1] != "title"}
    titles = sorted((r for r in table if r[1] == "title"), key=lambda r: (-float(r[3]), r[0]))
    chosen.update((r[0], "top-screen") for r in titles[:TOP_SCREEN])
    rest = sorted(titles[TOP_SCREEN:], key=lambda r: hashlib.sha1(r[0].encode()).hexdigest())
    chosen.update((r[0], "sample") for r in rest[:SAMPLE])
    return chosen


def rows(resources: list[dict[str, Any]], threshold: float) -> list[list[str]]:
    entries = _entries(resources)
    out = []
    for i, j, why, score in candidate_pairs(resources, threshold):
        a, b = entries[i], entries[j]
        name_a, name_b = entry_name(a.get("url"), a["title"]), entry_name(b.get("url"), b["title"])
        if name_b < name_a:
            a, b = b, a
        out.append(
            [
                pair_key(name_a, name_b),
                ",".join(sorted(why)),
                f"{score:.0f}",
                f"{screen_score(a['title'], b['title']):.1f}",
                "",
                *(
                    _clean(v)
                    for r in (a, b)
                    for v in (r.get("url") or "", r["title"], r["kind"], ",".join(r["sections"]))
                ),
            ]
        )
    out.sort()
    chosen = selection(out)
    for r in out:
        r[4] = chosen.get(r[0], "")
    return out


def check_labels(table: list[list[str]]) -> int:
    """0 when the labelled real pairs are exactly the selected candidates (same reason)."""
    import csv

    with LABELS.open(encoding="utf-8", newline="") as f:
        labelled = {
            r["pair_key"]: r["selected_by"]
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            if r["source"] == "real"
        }
    selected = {r[0]: r[4] for r in table if r[4]}
    problems = [
        f"selected, not labelled: {k} ({why})" for k, why in selected.items() if k not in labelled
    ]
    problems += [
        f"labelled, not selected as {why}: {k} ({selected.get(k) or 'not selected'})"
        for k, why in labelled.items()
        if selected.get(k) != why
    ]
    for line in sorted(problems):
        print(line, file=sys.stderr)
    print(
        f"{len(labelled)} real labelled pairs, {len(selected)} selected, {len(problems)} problems"
    )
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threshold", type=float, default=60.0)
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUT), help="a file, or - for stdout")
    parser.add_argument(
        "--check-labels",
        action="store_true",
        help="check that the real pairs of tests/data/dedupe_labels.tsv are the selection",
    )
    args = parser.parse_args()
    lists = [shared(folder) / name for folder, _, name in (n.partition("/") for n in LISTS)]
    missing = [str(p) for p in lists if not p.is_file()]
    if missing:
        raise SystemExit(f"lists not found: {', '.join(missing)}")
    table = rows(build_catalogue(lists), args.threshold)
    if args.check_labels:
        raise SystemExit(check_labels(table))
    text = "\n".join("\t".join(r) for r in [list(COLUMNS), *table]) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
        return
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"{len(table)} candidate pairs -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
