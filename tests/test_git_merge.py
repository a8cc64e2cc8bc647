"""Concurrent pull requests merge (issue 12): real git, changes made through the mlsd CLI.

20 random pairs of branches (a fixed seed), each branch making 2-4 changes (adds, tag changes,
field edits, removals) on entries the other branch does not touch, merged with plain
``git merge``: no conflict, and every merged file loads with both sides' changes in it. Before
new entries were placed in their section (:mod:`mlsd_cli.catalogue.placement`) they all went at
the end of the file, and 7 of these 20 merges conflicted (every pair where both sides add).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.placement import insertion_index
from tests import gitmerge

PAIRS = 20


@pytest.mark.slow
@pytest.mark.parametrize(
    "ops", [gitmerge.ALL_OPS, ("section",)], ids=["mixed-with-sections", "sections-only"]
)
def test_twenty_random_pairs_merge_with_plain_git(
    tmp_path: Path, cli: Callable[..., Result], ops: tuple[str, ...]
) -> None:
    """Mixed: adds, tags, edits, removals and new sections (some with an entry in them);
    sections only: each branch adds 2-4 sections. With new sections last among their
    siblings, 2 of 20 sections-only pairs conflicted (0 of 20 mixed, these seeds)."""
    outcomes = [
        gitmerge.run_pair(cli, gitmerge.new_repo(tmp_path / f"pair{seed}"), seed, ops=ops)
        for seed in range(PAIRS)
    ]
    conflicted = [seed for seed, o in enumerate(outcomes) if o.conflicted]
    assert conflicted == [], [outcomes[s].git_output for s in conflicted]
    assert all(o.loads for o in outcomes)  # 100% valid TOML, and valid catalogues
    assert [o.missing for o in outcomes if o.missing] == []


def test_a_new_section_goes_among_its_siblings_by_id(sample_catalogue: Path) -> None:
    from mlsd_cli.catalogue.model import Section
    from mlsd_cli.catalogue.placement import section_index

    cat = store.load(sample_catalogue)  # platforms, then streaming under it
    ids = [s.id for s in cat.sections]
    assert ids == ["platforms", "streaming"]
    assert section_index(cat, Section("apps", "Apps")) == 0  # before the first top-level one
    assert section_index(cat, Section("zoo", "Zoo")) == 2  # after platforms and its subtree
    assert section_index(cat, Section("batch", "Batch", parent="platforms")) == 1
    assert section_index(cat, Section("tables", "Tables", parent="streaming")) == 2  # a leaf


def test_two_branches_adding_sections_to_different_places_merge(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    """At the top level and under two parents, one of them on both branches: no conflict.
    Appended last among their siblings, the two under 'dmls-book' would change the same
    lines."""
    repo = gitmerge.new_repo(tmp_path / "repo")
    path = str(repo / "resources.toml")
    changes = {
        "a": [("Aardvark", None), ("Chapter 12", "dmls-book")],
        "b": [("Appendix", "dmls-book"), ("Ethics", "ml-systems-at-scale")],
    }
    for branch, sections in changes.items():
        gitmerge.git(repo, "checkout", "-q", "-b", branch, "main")
        for title, parent in sections:
            under = ["--parent", parent] if parent else []
            result = cli("section", "add", title, *under, "--catalogue", path)
            assert result.exit_code == 0, result.stderr
        gitmerge.git(repo, "commit", "-q", "-am", branch)
    merged = gitmerge.git(repo, "merge", "--no-edit", "a", check=False)
    assert merged.returncode == 0, merged.stdout
    ids = [s.id for s in store.load(repo / "resources.toml").sections]
    assert ids[0] == "aardvark"  # the top level, by id: before 'ml-systems-at-scale'
    assert ids.index("ethics") == ids.index("amazon") + 1  # after the last id before it
    assert ids.index("appendix") == ids.index("dmls-book") + 1  # before 'chapter-1'
    assert ids[-1] == "chapter-12"  # after 'chapter-11', the end of the sections


def test_an_added_entry_goes_into_its_sections_run(shipped_copy: Path) -> None:
    cat = store.load(shipped_copy)
    netflix = [i for i, r in enumerate(cat.resources) if r.sections[0] == "netflix"]
    new = Resource(id="zzz-last-by-id", title="x", kind="blog", sections=["netflix"])
    assert netflix[0] <= insertion_index(cat, new) <= netflix[-1] + 1
    assert insertion_index(cat, new) != len(cat.resources)


def test_a_run_in_id_order_stays_in_id_order(
    sample_catalogue: Path, cli: Callable[..., Result]
) -> None:
    path = str(sample_catalogue)
    for title in ("Zeta", "Alpha", "Mu"):
        result = cli("add", "--no-fetch", "--yes", "--force", "--title", title, "--kind", "blog",
                     "--section", "streaming", "--catalogue", path)  # fmt: skip
        assert result.exit_code == 0, result.stderr
    ids = [r.id for r in store.load(sample_catalogue).resources]
    assert ids == ["ubers-michelangelo", "alpha", "mu", "the-log", "zeta", "facebook-ads-clicks"]


def test_existing_entries_keep_their_order(shipped_copy: Path, cli: Callable[..., Result]) -> None:
    before = [r.id for r in store.load(shipped_copy).resources]
    result = cli("add", "--no-fetch", "--yes", "--title", "A new one about feature stores",
                 "--kind", "blog", "--section", "chapter-1", "--catalogue", str(shipped_copy))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    after = [r.id for r in store.load(shipped_copy).resources]
    assert [i for i in after if i in before] == before and len(after) == len(before) + 1


def test_an_import_keeps_its_list_order_in_each_section(tmp_path: Path) -> None:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Section
    from mlsd_cli.catalogue.placement import place_appended

    one, two = Section("one", "One"), Section("two", "Two")
    old = [Resource(id=f"o{i}", title="t", sections=[s]) for i, s in enumerate(["one", "two"])]
    cat = Catalogue(sections=[one, two], resources=list(old))
    new = [Resource(id=n, title="t", sections=[s]) for n, s in (("z", "one"), ("b", "two"),
                                                                 ("a", "one"))]  # fmt: skip
    cat.resources.extend(new)
    place_appended(cat, len(new))
    assert [r.id for r in cat.resources] == ["o0", "z", "a", "o1", "b"]
