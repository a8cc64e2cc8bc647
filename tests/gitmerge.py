"""Pull requests in miniature, for the merge tests: real git repositories, changes made through
the mlsd CLI, ``git merge``, and a check that the result holds both sides' changes.

A *pair* is two branches cut from one commit of the shipped catalogue, as it was when the
figures were measured (``tests/data/merge/resources.toml``: the figures must not move when the
list is curated). Each branch makes a few
random changes (adds, tag changes, field edits, removals) through ``mlsd``, on entries the other
branch does not touch, and commits; then ``b`` is merged into ``a``. :func:`run_pair` reports
whether git saw a conflict, whether the merged file loads, and which expected changes are
missing from it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from typer.testing import Result

#: The catalogue the branches start from: a frozen copy of the shipped one.
BASE_CATALOGUE = Path(__file__).resolve().parent / "data" / "merge" / "resources.toml"
#: How git should start the driver in tests: this interpreter, this checkout.
DRIVER = f'"{sys.executable}" -m mlsd_cli merge-driver %O %A %B %P'

Cli = Callable[..., Result]


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check
    )


def new_repo(path: Path, catalogue: Path | None = None) -> Path:
    """A repository with one commit holding ``catalogue`` (:data:`BASE_CATALOGUE` by default)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    shutil.copyfile(catalogue or BASE_CATALOGUE, path / "resources.toml")
    git(path, "add", "resources.toml")
    git(path, "commit", "-q", "-m", "base")
    return path


def use_driver(repo: Path) -> None:
    """Set up mlsd's merge driver in ``repo`` as ``mlsd init --git`` does, started from here."""
    (repo / ".gitattributes").write_text("resources.toml merge=mlsd\n", encoding="utf-8")
    git(repo, "config", "merge.mlsd.name", "mlsd catalogue merge")
    git(repo, "config", "merge.mlsd.driver", DRIVER)


@dataclass
class Expect:
    """A change a branch made that the merged catalogue must still show."""

    what: str  # "added" (key: url), "tag", "field", "removed" (key: id), "section" (key: id)
    key: str
    field: str = ""
    value: object = None


@dataclass
class Branch:
    name: str
    expects: list[Expect] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)


def _ok(result: Result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)


ALL_OPS = ("add", "tag", "edit", "remove", "section")


def make_changes(
    cli: Cli,
    repo: Path,
    branch: Branch,
    rng: random.Random,
    avoid: set[str],
    n: int,
    ops: tuple[str, ...] = ALL_OPS,
) -> None:
    """``n`` random changes through mlsd on ``branch``, on entries not in ``avoid``; commit."""
    from mlsd_cli.catalogue import store

    path = str(repo / "resources.toml")
    git(repo, "checkout", "-q", branch.name)
    for k in range(n):
        cat = store.load(Path(path))
        free = [r for r in cat.resources if r.id not in avoid and r.id not in branch.touched]
        op = rng.choice(ops)
        if op == "add":
            section = rng.choice(cat.sections).id
            url = f"https://example.com/{branch.name}/{k}/{rng.randrange(10**6)}"
            title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {branch.name} {k} {rng.choice(WORDS)}"
            _ok(cli("add", url, "--no-fetch", "--yes", "--force", "--title", title,
                    "--kind", "blog", "--section", section, "--catalogue", path))  # fmt: skip
            added = next(r for r in store.load(Path(path)).resources if r.url == url)
            branch.touched.add(added.id)
            branch.expects.append(Expect("added", url))
            continue
        if op == "section":
            _add_section(cli, path, branch, rng, k, avoid)
            continue
        target = rng.choice(free)
        branch.touched.add(target.id)
        if op == "tag":
            tag = f"merge-{branch.name}-{k}"
            _ok(cli("tag", target.id, f"+{tag}", "--catalogue", path))
            branch.expects.append(Expect("tag", target.id, value=tag))
        elif op == "edit":
            name, value, flag = rng.choice(
                (
                    ("org", f"Org {branch.name}{k}", "--org"),
                    ("year", 1990 + rng.randrange(30), "--year"),
                    ("title", f"{target.title} ({branch.name}{k})", "--title"),
                    ("description", f"Edited on {branch.name}.", "--description"),
                )
            )
            _ok(cli("edit", target.id, flag, str(value), "--catalogue", path))
            branch.expects.append(Expect("field", target.id, name, value))
        else:
            _ok(cli("remove", target.id, "--yes", "--catalogue", path))
            branch.expects.append(Expect("removed", target.id))
    git(repo, "commit", "-q", "-am", f"changes on {branch.name}")


def _gap(kind: str, blocks: list[Any], index: int) -> str:
    """A name for the place between two blocks (the one before ``index`` names it)."""
    return f"{kind}-after:{blocks[index - 1].id if index else ''}"


def _add_section(
    cli: Cli, path: str, branch: Branch, rng: random.Random, k: int, avoid: set[str]
) -> None:
    """A new section (at the top level or under a random one), and often an entry in it, each
    in a place (between two blocks) the other branch added nothing to."""
    from mlsd_cli.catalogue import store
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.model import Section
    from mlsd_cli.catalogue.model import slugify
    from mlsd_cli.catalogue.placement import insertion_index
    from mlsd_cli.catalogue.placement import section_index

    cat = store.load(Path(path))
    for _ in range(20):
        parent = rng.choice([None, None, *(s.id for s in cat.sections)])
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {branch.name}{k}"
        new = Section(slugify(title), title, parent)
        gap = _gap("section", cat.sections, section_index(cat, new))
        if gap not in avoid:
            break
    branch.touched.add(gap)
    under = ["--parent", parent] if parent else []
    result = cli("section", "add", title, *under, "--json", "--catalogue", path)
    _ok(result)
    sid = json.loads(result.stdout)["section"]["id"]
    branch.expects.append(Expect("section", sid, value=parent))
    cat = store.load(Path(path))
    index = insertion_index(cat, Resource(id=slugify(f"In {title}"), title="", sections=[sid]))
    gap = _gap("entry", cat.resources, index)
    if rng.random() < 0.5 and gap not in avoid:
        branch.touched.add(gap)
        if index:
            branch.touched.add(cat.resources[index - 1].id)  # its neighbour: not removed
        url = f"https://example.com/{branch.name}/s{k}/{rng.randrange(10**6)}"
        _ok(cli("add", url, "--no-fetch", "--yes", "--force", "--title", f"In {title}",
                "--kind", "blog", "--section", sid, "--catalogue", path))  # fmt: skip
        branch.expects.append(Expect("added", url))


def missing_changes(catalogue: object, branches: list[Branch]) -> list[str]:
    """The expected changes the merged catalogue does not show."""
    from mlsd_cli.catalogue.model import Catalogue

    assert isinstance(catalogue, Catalogue)
    by_id = {r.id: r for r in catalogue.resources}
    urls = {r.url for r in catalogue.resources}
    missing = []
    for branch in branches:
        for e in branch.expects:
            r = by_id.get(e.key)
            if e.what == "added":
                ok = e.key in urls
            elif e.what == "section":
                section = catalogue.section(e.key)
                ok = section is not None and section.parent == e.value
            elif e.what == "removed":
                ok = r is None
            elif e.what == "tag":
                ok = r is not None and e.value in r.tags
            else:
                ok = r is not None and getattr(r, e.field) == e.value
            if not ok:
                missing.append(f"{branch.name}: {e.what} {e.key} {e.field} {e.value!r}")
    return missing


@dataclass
class Outcome:
    conflicted: bool
    loads: bool
    missing: list[str]
    git_output: str


def run_pair(
    cli: Cli, repo: Path, seed: int, *, driver: bool = False, ops: tuple[str, ...] = ALL_OPS
) -> Outcome:
    """Two branches of random changes on different entries, merged with ``git merge``."""
    from mlsd_cli.catalogue import store
    from mlsd_cli.errors import CatalogueError

    rng = random.Random(seed)
    if driver:
        use_driver(repo)
    a, b = Branch("a"), Branch("b")
    git(repo, "branch", "a")
    git(repo, "branch", "b")
    make_changes(cli, repo, a, rng, set(), rng.randint(2, 4), ops)
    make_changes(cli, repo, b, rng, a.touched, rng.randint(2, 4), ops)
    git(repo, "checkout", "-q", "a")
    merged = git(repo, "merge", "--no-edit", "b", check=False)
    try:
        catalogue = store.load(repo / "resources.toml")
    except CatalogueError:
        return Outcome(merged.returncode != 0, False, [], merged.stdout + merged.stderr)
    return Outcome(merged.returncode != 0, True, missing_changes(catalogue, [a, b]), merged.stdout)


WORDS = (
    "feature", "store", "ranking", "pipeline", "serving", "latency", "embedding", "drift",
    "monitoring", "training", "batch", "stream", "graph", "search", "fraud", "forecast",
    "labeling", "platform", "inference", "cache", "bandit", "vector", "metric", "audit",
)  # fmt: skip
