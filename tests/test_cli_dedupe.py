"""``mlsd dedupe`` end to end: reports, --json, exit codes, --merge and "not duplicates"."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from tests.conftest import ROOT

from . import ondisk
from .ptyhelp import interrupt

Cli = Callable[..., Result]
INTERACTIVE = {"MLSD_INTERACTIVE": "1"}


def _write(path: Path) -> Path:
    """Three real duplicate shapes and one pair that only looks alike."""
    cat = Catalogue(
        title="Dupes",
        sections=[Section("ch1", "Chapter 1"), Section("ch9", "Chapter 9")],
        resources=[
            Resource(
                id="airbnb-homes",
                title="Using Machine Learning to Predict Value of Homes On Airbnb",
                kind="blog",
                sections=["ch1"],
                url="https://medium.com/airbnb-engineering/using-machine-learning-to-predict-value-of-homes-on-airbnb-9272d3d4739d",
                authors=["Robert Chang"],
                year=2017,
                tags=["case-study"],
            ),
            Resource(
                id="ab-testing",
                title="A/B Testing - Is there a better way? An exploration of Multi-Armed Bandits",
                kind="other",
                sections=["ch9"],
            ),
            Resource(
                id="airbnb-homes-2",
                title="Predicting the value of homes",
                kind="blog",
                sections=["ch9"],
                url="https://airbnb.io/using-machine-learning-to-predict-value-of-homes-on-airbnb-9272d3d4739d?source=rss",
                tags=["regression"],
            ),
            Resource(
                id="ab-testing-tds",
                title="A/B testing — Is there a better way? An exploration of multi-armed bandits",
                kind="blog",
                sections=["ch1"],
                url="https://towardsdatascience.com/a-b-testing-is-there-a-better-way-an-exploration-of-multi-armed-bandits-98ca927b357d",
                authors=["Greg Rafferty"],
            ),
            Resource(
                id="metaflow-video",
                title="Internals of Metaflow",
                kind="video",
                sections=["ch9"],
                url="https://www.youtube.com/watch?v=8jTo3bVni3E",
            ),
            Resource(
                # url-less: a docs page with a video's title on another site would be a
                # related page (docs/matching.md), not a possible duplicate.
                id="metaflow-docs",
                title="Internals of Metaflow.",
                kind="other",
                sections=["ch9"],
            ),
            Resource(id="part-1", title="Stream Processing Hard Problems Part 1", sections=["ch1"]),
            Resource(
                id="part-2", title="Stream Processing Hard Problems Part II", sections=["ch1"]
            ),
        ],
    )
    path.write_text(store.dumps(cat), encoding="utf-8")
    return path


@pytest.fixture
def dupes(tmp_path: Path) -> Path:
    return _write(tmp_path / "resources.toml")


# --------------------------------------------------------------------------- reporting


def test_clean_catalogue_exits_0(cli: Cli, sample_catalogue: Path) -> None:
    result = cli("dedupe", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert "No duplicates found (3 resources checked)." in result.stdout
    result = cli("dedupe", "-c", str(sample_catalogue), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_the_shipped_catalogue_is_clean(cli: Cli) -> None:
    result = cli("dedupe", "-c", str(ROOT / "resources.toml"))
    assert result.exit_code == 0, result.stdout
    assert "No duplicates found" in result.stdout


def test_groups_are_printed_with_reasons_and_scores(cli: Cli, dupes: Path) -> None:
    before = dupes.read_bytes()
    result = cli("dedupe", "-c", str(dupes))
    assert result.exit_code == 1
    out = result.stdout
    assert "Group 1/3: same URL, score 100" in out
    assert "Group 2/3: similar title, score 100" in out
    assert "Group 3/3: similar title, score 100" in out
    assert out.index("airbnb-homes  Using Machine Learning") < out.index(
        "airbnb-homes-2  Predicting"
    )
    assert "sections: ch9" in out and "(no URL)" in out
    assert "part-1" not in out  # Part 1 and Part II are different posts
    assert (
        "3 groups of likely duplicates (6 resources). Review them with: mlsd dedupe --merge" in out
    )
    assert dupes.read_bytes() == before


def test_json_lists_groups(cli: Cli, dupes: Path) -> None:
    result = cli("dedupe", "-c", str(dupes), "--json")
    assert result.exit_code == 1
    groups = json.loads(result.stdout)
    assert [(g["ids"], g["reason"], g["score"]) for g in groups] == [
        (["airbnb-homes", "airbnb-homes-2"], "same-url", 100.0),
        (["ab-testing", "ab-testing-tds"], "similar-title", 100.0),
        (["metaflow-video", "metaflow-docs"], "similar-title", 100.0),
    ]
    assert groups[0]["titles"][1] == "Predicting the value of homes"
    assert groups[1]["urls"][0] is None
    assert [g["tier"] for g in groups] == [
        "same-resource",
        "possible-duplicate",
        "possible-duplicate",
    ]


def test_min_tier_keeps_the_same_resource_groups(cli: Cli, dupes: Path) -> None:
    for tier in ("same-resource", "same"):
        result = cli("dedupe", "-c", str(dupes), "--json", "--min-tier", tier)
        assert result.exit_code == 1
        groups = json.loads(result.stdout)
        assert [(g["ids"], g["tier"]) for g in groups] == [
            (["airbnb-homes", "airbnb-homes-2"], "same-resource")
        ]
    text = cli("dedupe", "-c", str(dupes), "--min-tier", "possible")
    assert "Group 1/3: same URL, score 100 (same resource)" in text.stdout
    assert "Group 2/3: similar title, score 100 (possible duplicate)" in text.stdout
    bad = cli("dedupe", "-c", str(dupes), "--min-tier", "maybe")
    assert bad.exit_code == 2 and bad.stdout == ""
    assert "--min-tier: unknown tier 'maybe'; use one of same-resource, possible-duplicate" in (
        bad.stderr
    )


def test_threshold_option(cli: Cli, dupes: Path) -> None:
    result = cli("dedupe", "-c", str(dupes), "--json", "--threshold", "40")
    groups = json.loads(result.stdout)
    # A loose threshold joins the three groups through weak title links...
    assert [g["ids"] for g in groups] == [
        [
            "airbnb-homes",
            "ab-testing",
            "airbnb-homes-2",
            "ab-testing-tds",
            "metaflow-video",
            "metaflow-docs",
        ]
    ]
    assert groups[0]["reason"] == "both" and 40 <= groups[0]["score"] < 100
    # ... but titles whose numbers differ never match.
    assert "part-1" not in groups[0]["ids"]
    bad = cli("dedupe", "-c", str(dupes), "--threshold", "101")
    assert bad.exit_code == 2


# --------------------------------------------------------------------------- --merge


def test_help_states_the_default_threshold(cli: Cli) -> None:
    from mlsd_cli.matching.duplicates import DEFAULT_THRESHOLD

    result = cli("dedupe", "--help")
    assert f"Default: {DEFAULT_THRESHOLD:g}," in " ".join(result.stdout.split())


def test_merge_needs_a_terminal(cli: Cli, dupes: Path) -> None:
    before = dupes.read_bytes()
    result = cli("dedupe", "-c", str(dupes), "--merge")
    assert result.exit_code == 2
    assert "no terminal" in result.stderr and "MLSD_INTERACTIVE=1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert dupes.read_bytes() == before


def test_merge_and_json_do_not_mix(cli: Cli, dupes: Path) -> None:
    result = cli("dedupe", "-c", str(dupes), "--merge", "--json", env=INTERACTIVE)
    assert result.exit_code == 2 and "--json" in result.stderr


def test_merge_on_the_read_only_shipped_catalogue_is_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no resources.toml here or above: the shipped one is used
    result = cli("dedupe", "--merge", env=INTERACTIVE)
    assert result.exit_code == 2 and "read-only" in result.stderr


def test_merge_not_duplicates_and_skip(cli: Cli, dupes: Path) -> None:
    # Group 1: merge, keeping entry 1. Group 2: keep entry 2 (the one with a URL).
    # Group 3: not duplicates (a video and a docs page).
    answers = "m\n1\ny\nm\n2\ny\nn\n"  # each merge previewed, then confirmed
    result = cli("dedupe", "-c", str(dupes), "--merge", input=answers, env=INTERACTIVE)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Merged airbnb-homes-2 into airbnb-homes." in result.stdout
    assert "Merged ab-testing into ab-testing-tds." in result.stdout
    assert "Recorded as not duplicates: metaflow-video, metaflow-docs." in result.stdout

    cat = store.load(dupes)
    assert [r.id for r in cat.resources] == [
        "airbnb-homes",
        "ab-testing-tds",
        "metaflow-video",
        "metaflow-docs",
        "part-1",
        "part-2",
    ]
    homes = cat.resource("airbnb-homes-2")
    assert homes is not None and homes.id == "airbnb-homes"
    assert homes.sections == ["ch1", "ch9"] and homes.tags == ["case-study", "regression"]
    assert homes.aliases == ["airbnb-homes-2"]
    ab = cat.resource("ab-testing-tds")
    assert ab is not None and ab.sections == ["ch1", "ch9"] and ab.aliases == ["ab-testing"]
    assert cat.not_duplicates == [("metaflow-docs", "metaflow-video")]
    # Canonical bytes on disk.
    assert dupes.read_text(encoding="utf-8") == store.dumps(cat)

    again = cli("dedupe", "-c", str(dupes))
    assert again.exit_code == 0 and "No duplicates found" in again.stdout


def test_skipping_leaves_findings_and_writes_nothing(cli: Cli, dupes: Path) -> None:
    before = dupes.read_bytes()
    result = cli("dedupe", "-c", str(dupes), "--merge", input="s\nbogus\ns\nq\n", env=INTERACTIVE)
    assert result.exit_code == 1
    assert "answer m, n, s or q" in result.stderr
    assert "Nothing to write." in result.stdout
    assert dupes.read_bytes() == before


def test_quit_keeps_the_answers_given(cli: Cli, dupes: Path) -> None:
    result = cli("dedupe", "-c", str(dupes), "--merge", input="n\nq\n", env=INTERACTIVE)
    assert result.exit_code == 1
    assert store.load(dupes).not_duplicates == [("airbnb-homes", "airbnb-homes-2")]
    assert "2 group(s) skipped" in result.stdout


def test_eof_at_a_prompt_writes_nothing(cli: Cli, dupes: Path) -> None:
    before = dupes.read_bytes()
    result = cli("dedupe", "-c", str(dupes), "--merge", input="m\n1\nn\n", env=INTERACTIVE)
    assert result.exit_code == 1
    assert result.stderr.endswith("mlsd: error: no answer (end of input); nothing was written\n")
    assert dupes.read_bytes() == before


def _change_while_asking(monkeypatch: pytest.MonkeyPatch, dupes: Path, rid: str) -> None:
    """At the first question, another command adds a tag to ``rid`` on disk."""
    from mlsd_cli.cli import prompts

    real_read_line = prompts.read_line
    edited = []

    def read_then_edit(*args: object, **kwargs: object) -> str:
        if not edited:  # someone else adds a tag while the curator thinks
            with ondisk.editing(dupes) as cat:
                cat.resource(rid).tags.append("streaming")  # type: ignore[union-attr]
            edited.append(True)
        return real_read_line(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prompts, "read_line", read_then_edit)


def test_a_concurrent_change_to_another_entry_is_kept(
    cli: Cli, dupes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers are rebased on the catalogue as re-read under the lock."""
    _change_while_asking(monkeypatch, dupes, "part-2")
    result = cli("dedupe", "-c", str(dupes), "--merge", input="m\n1\ny\ns\ns\n", env=INTERACTIVE)
    assert result.exit_code == 1
    cat = store.load(dupes)
    assert cat.resource("part-2").tags == ["streaming"]  # type: ignore[union-attr]
    assert cat.resource("airbnb-homes-2").id == "airbnb-homes"  # type: ignore[union-attr]


def test_a_concurrent_change_to_a_merged_entry_refuses_the_answers(
    cli: Cli, dupes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _change_while_asking(monkeypatch, dupes, "airbnb-homes-2")
    result = cli("dedupe", "-c", str(dupes), "--merge", input="m\n1\ny\ns\ns\n", env=INTERACTIVE)
    changed = dupes.read_bytes()
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "mlsd: error: 'airbnb-homes-2' was changed by another command meanwhile; nothing was "
        "written; run the command again\n"
    )
    assert dupes.read_bytes() == changed  # only the other command's change
    assert {"airbnb-homes", "airbnb-homes-2"} <= store.load(dupes).resource_ids()


@pytest.mark.slow
def test_merge_through_a_real_terminal(dupes: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MLSD_INTERACTIVE"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", "dedupe", "-c", str(dupes), "--merge"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    try:
        child.expect("Group 1/3: same URL")
        child.expect(r"\[m\]erge, \[n\]ot duplicates, \[s\]kip, \[q\]uit")
        child.sendline("m")
        child.expect(r"Keep which entry \(default: the one that says most\) \[1\]")
        child.sendline("")  # the default: entry 1, with authors and a year
        child.expect("Merged, it would read:")  # the merged entry, before it is written
        child.expect(r"sections: +Chapter 1 \[ch1\]; Chapter 9 \[ch9\]")
        child.expect(r"tags: +case-study, regression")
        child.expect(r"aliases: +airbnb-homes-2")
        child.expect_exact("Merge airbnb-homes-2 into airbnb-homes? [Y/n]")
        child.sendline("")
        child.expect("Group 2/3")
        child.expect(r"\[q\]uit")
        child.sendline("m")
        child.expect(r"Keep which entry \(default: the one that says most\) \[2\]")
        child.sendline("")  # entry 2 has the URL and the author: the richer one
        child.expect_exact("Merge ab-testing into ab-testing-tds? [Y/n]")
        child.sendline("n")
        child.expect_exact("not merged; the group is skipped")
        child.expect("Group 3/3")
        child.expect(r"\[q\]uit")
        child.sendline("n")
        child.expect("Merged airbnb-homes-2 into airbnb-homes.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 1  # one group skipped (not merged): still duplicates
    cat = store.load(dupes)
    assert {"ab-testing", "ab-testing-tds"} <= cat.resource_ids()
    assert cat.resource("airbnb-homes-2").id == "airbnb-homes"  # type: ignore[union-attr]
    assert cat.not_duplicates == [("metaflow-docs", "metaflow-video")]


@pytest.mark.slow
def test_ctrl_c_in_a_real_terminal_writes_nothing(dupes: Path) -> None:
    before = dupes.read_bytes()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", "dedupe", "-c", str(dupes), "--merge"],
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect(r"\[q\]uit")
        child.sendline("n")
        child.expect(r"Group 2/3")
        interrupt(child, r"\[q\]uit")  # once it waits for the answer: no race
        child.expect("interrupted; nothing was written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert dupes.read_bytes() == before


def test_the_richest_entry_is_the_default_to_keep(dupes: Path) -> None:
    from mlsd_cli.changes.merge import merged_entry
    from mlsd_cli.changes.merge import richest

    cat = store.load(dupes)
    pair = [cat.resource("ab-testing"), cat.resource("ab-testing-tds")]
    assert richest(pair) == 1  # a URL and an author beat a longer title
    assert richest(pair[::-1]) == 0
    before = store.dumps(cat)
    preview = merged_entry(cat, "ab-testing-tds", ["ab-testing"])
    assert preview.aliases == ["ab-testing"] and preview.sections == ["ch1", "ch9"]
    assert store.dumps(cat) == before  # a preview changes nothing
