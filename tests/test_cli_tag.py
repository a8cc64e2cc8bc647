"""``mlsd tag`` end to end: one entry, many (by query or filter), rename, merge, list."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource

Run = Callable[..., Result]


@pytest.fixture
def cat(sample_catalogue: Path) -> Path:
    """The sample catalogue plus entries carrying near-spelled and shared tags."""
    catalogue = store.load(sample_catalogue)
    catalogue.resources += [
        Resource(
            id="feast",
            title="Feast: an open source feature store",
            kind="blog",
            sections=["platforms"],
            url="https://feast.dev/blog/what-is-a-feature-store/",
            tags=["feature-store", "mlops"],
        ),
        Resource(
            id="michelangelo-palette",
            title="Michelangelo Palette: a feature engineering platform at Uber",
            kind="talk",
            sections=["platforms"],
            org="Uber",
            tags=["feature-stores", "ml-platform"],
        ),
        Resource(
            id="kafka-streams",
            title="Kafka Streams in production",
            kind="blog",
            sections=["streaming"],
            url="https://example.org/kafka-streams",
            tags=["streaming", "kafka"],
        ),
    ]
    store.save(catalogue, sample_catalogue)
    return sample_catalogue


def _tags(path: Path, rid: str) -> list[str]:
    resource = store.load(path).resource(rid)
    assert resource is not None
    return resource.tags


# ----------------------------------------------------------------- one entry


def test_add_and_remove_on_one_entry(cli: Run, cat: Path) -> None:
    result = cli("tag", "kafka-streams", "+Real_Time", "-kafka", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "kafka-streams: +real-time -kafka; tags now: streaming, real-time\n"
    assert result.stderr == ""
    assert _tags(cat, "kafka-streams") == ["streaming", "real-time"]
    assert store.dumps(store.load(cat)) == cat.read_text(encoding="utf-8")  # canonical


def test_one_entry_by_fuzzy_title_and_dash_tags_that_look_like_options(cli: Run, cat: Path) -> None:
    # -streaming, -kafka, -hadoop: -s, -k and -h are options elsewhere, never here.
    result = cli(
        "tag", "kafka streams in prod", "-streaming", "-kafka", "+hadoop", "--catalogue", str(cat)
    )
    assert result.exit_code == 0, result.stderr
    assert _tags(cat, "kafka-streams") == ["hadoop"]
    result = cli("tag", "-hadoop", "kafka-streams", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert _tags(cat, "kafka-streams") == []


def test_tag_with_only_an_entry_shows_its_tags(cli: Run, cat: Path) -> None:
    result = cli("tag", "feast", "--catalogue", str(cat))
    assert result.exit_code == 0 and result.stdout == "feature-store\nmlops\n"
    result = cli("tag", "feast", "--json", "--catalogue", str(cat))
    assert json.loads(result.stdout) == {"id": "feast", "tags": ["feature-store", "mlops"]}


def test_no_op_writes_nothing(cli: Run, cat: Path) -> None:
    before, inode = cat.read_bytes(), cat.stat().st_ino
    result = cli("tag", "feast", "+mlops", "-nlp", "--catalogue", str(cat))
    assert result.exit_code == 0
    assert "Nothing to change" in result.stdout
    assert "mlsd: warning: 'feast' has no tag 'nlp'" in result.stderr
    assert cat.read_bytes() == before and cat.stat().st_ino == inode


def test_json_report_of_an_edit(cli: Run, cat: Path) -> None:
    result = cli("tag", "feast", "+serving", "-mlops", "--json", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "operation": "edit",
        "written": True,
        "changes": [
            {
                "id": "feast",
                "title": "Feast: an open source feature store",
                "added": ["serving"],
                "removed": ["mlops"],
                "tags": ["feature-store", "serving"],
            }
        ],
        "warnings": [],
    }


# ----------------------------------------------------------------- near spellings


def test_near_spelling_is_flagged_with_the_suggestion(cli: Run, cat: Path) -> None:
    result = cli("tag", "the-log", "+Kafak", "+ML-Ops", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "mlsd: warning: new tag 'kafak' looks like existing 'kafka'",
        "mlsd: warning: new tag 'ml-ops' looks like existing 'mlops'",
    ]
    assert _tags(cat, "the-log") == ["streaming", "kafak", "ml-ops"]  # written anyway


def test_strict_refuses_a_near_spelling(cli: Run, cat: Path) -> None:
    before = cat.read_bytes()
    result = cli("tag", "the-log", "+feature-stores", "--strict", "--catalogue", str(cat))
    # feature-stores is in use already, so it is not new: no warning, written.
    assert result.exit_code == 0 and result.stderr == ""
    cat.write_bytes(before)
    result = cli("tag", "the-log", "+recomender", "--strict", "--catalogue", str(cat))
    assert result.exit_code == 0  # nothing like it in use
    cat.write_bytes(before)
    result = cli("tag", "feast", "+ml-platforms", "--strict", "--catalogue", str(cat))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "mlsd: error: new tag 'ml-platforms' looks like existing 'ml-platform' (--strict); "
        "use 'ml-platform' if that is what you meant"
    )
    assert cat.read_bytes() == before


# ----------------------------------------------------------------- many entries


def test_by_query_with_yes(cli: Run, cat: Path) -> None:
    result = cli("tag", "--query", "feature store", "+feature-store", "--yes", "-c", str(cat))
    assert result.exit_code == 0, result.stderr
    # Feast and Palette (tag feature-stores) have both words; Feast has the tag already.
    assert result.stdout == "Changed the tags of 1 entry: +feature-store\n"
    assert _tags(cat, "michelangelo-palette") == ["feature-stores", "ml-platform", "feature-store"]
    assert _tags(cat, "feast") == ["feature-store", "mlops"]
    result = cli("tag", "--query", "uber", "+uber", "--yes", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Changed the tags of 2 entries: +uber\n"
    tagged = {r.id for r in store.load(cat).resources if "uber" in r.tags}
    assert tagged == {"ubers-michelangelo", "michelangelo-palette"}


def test_by_filter_with_yes(cli: Run, cat: Path) -> None:
    result = cli(
        "tag", "--section", "streaming", "+streaming", "-kafka", "--yes", "--catalogue", str(cat)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Changed the tags of 1 entry: +streaming -kafka\n"
    assert _tags(cat, "kafka-streams") == ["streaming"]
    assert _tags(cat, "the-log") == ["streaming"]
    result = cli(
        "tag", "--kind", "blog", "--org", "uber", "+uber", "--yes", "--catalogue", str(cat)
    )
    assert result.exit_code == 0, result.stderr
    assert [r.id for r in store.load(cat).resources if "uber" in r.tags] == ["ubers-michelangelo"]


def test_dry_run_lists_exactly_what_changes_and_writes_nothing(cli: Run, cat: Path) -> None:
    before = cat.read_bytes()
    result = cli("tag", "--kind", "blog", "+web", "-mlops", "--dry-run", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "+web -mlops on 4 entries:",
        "  ubers-michelangelo  +web  (Uber's Michelangelo)",
        "  the-log             +web  (The Log: What every software engineer should know about r...)",
        "  feast               +web -mlops  (Feast: an open source feature store)",
        "  kafka-streams       +web  (Kafka Streams in production)",
        "Dry run: nothing written.",
    ]
    assert cat.read_bytes() == before
    data = json.loads(
        cli("tag", "--kind", "blog", "+web", "--dry-run", "--json", "--catalogue", str(cat)).stdout
    )
    assert data["written"] is False
    assert [c["id"] for c in data["changes"]] == [
        "ubers-michelangelo",
        "the-log",
        "feast",
        "kafka-streams",
    ]


def test_confirmation_accepted(cli: Run, cat: Path) -> None:
    result = cli(
        "tag",
        "--section",
        "platforms",
        "+platform",
        "--catalogue",
        str(cat),
        input="y\n",
        env={"MLSD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0, result.stderr
    # "platforms" includes its sub-section "streaming": all six entries.
    assert "+platform on 6 entries:" in result.stdout
    assert "Change the tags of 6 entries? [y/N]" in result.stderr
    assert result.stdout.rstrip().endswith("Changed the tags of 6 entries: +platform")
    assert all("platform" in r.tags for r in store.load(cat).resources)


def test_confirmation_declined_writes_nothing(cli: Run, cat: Path) -> None:
    before = cat.read_bytes()
    result = cli(
        "tag",
        "--section",
        "platforms",
        "+platform",
        "--catalogue",
        str(cat),
        input="n\n",
        env={"MLSD_INTERACTIVE": "1"},
    )
    assert result.exit_code == 0  # declining is an answer, not an error
    feast = f"  {'feast':<20}  +platform  (Feast: an open source feature store)"
    assert feast in result.stdout.splitlines()
    assert result.stderr == (
        "Change the tags of 6 entries? [y/N]: \nnot tagged; nothing was written\n"
    )
    assert cat.read_bytes() == before


def test_no_terminal_and_no_yes_exits_2(cli: Run, cat: Path) -> None:
    before = cat.read_bytes()
    result = cli("tag", "--kind", "blog", "+web", "--catalogue", str(cat))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "mlsd: error: changing the tags of 4 entries needs an answer and there is no "
        "terminal; pass --yes, or --dry-run to see what would change; or set MLSD_INTERACTIVE=1 "
        "to answer on stdin\n"
    )
    assert cat.read_bytes() == before
    result = cli("tag", "--kind", "blog", "+web", "--json", "--catalogue", str(cat))
    assert result.exit_code == 2 and "--json prints no question" in result.stderr
    assert cat.read_bytes() == before


def test_prompt_in_a_real_terminal(cat: Path, mlsd_exe: list[str]) -> None:
    import pexpect

    before = cat.read_bytes()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100"}
    args = [*mlsd_exe[1:], "tag", "--tag", "feature-stores", "+feature-store"]
    child = pexpect.spawn(
        sys.executable, [*args, "--catalogue", str(cat)], env=env, encoding="utf-8", timeout=20
    )
    child.expect_exact("michelangelo-palette  +feature-store")
    child.expect_exact("Change the tags of 1 entry? [y/N]: ")
    child.sendline("n")
    child.expect_exact("not tagged; nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0  # declining is an answer, not an error
    assert cat.read_bytes() == before
    child = pexpect.spawn(
        sys.executable, [*args, "--catalogue", str(cat)], env=env, encoding="utf-8", timeout=20
    )
    child.expect_exact("[y/N]: ")
    child.sendline("y")
    child.expect_exact("Changed the tags of 1 entry")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _tags(cat, "michelangelo-palette") == ["feature-stores", "ml-platform", "feature-store"]


# ----------------------------------------------------------------- rename and merge


def test_rename(cli: Run, cat: Path) -> None:
    result = cli(
        "tag", "--rename", "streaming", "Stream Processing", "--yes", "--catalogue", str(cat)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Renamed tag 'streaming' into 'stream-processing' on 2 entries.\n"
    assert _tags(cat, "the-log") == ["stream-processing"]
    assert _tags(cat, "kafka-streams") == ["stream-processing", "kafka"]
    assert all("streaming" not in r.tags for r in store.load(cat).resources)


def test_merge_leaves_no_duplicate_tags(cli: Run, cat: Path) -> None:
    cli("tag", "feast", "+feature-stores", "--catalogue", str(cat))  # feast has both now
    before = Counter(t for r in store.load(cat).resources for t in r.tags)
    result = cli(
        "tag", "--rename", "feature-stores", "feature-store", "--dry-run", "--catalogue", str(cat)
    )
    assert result.stdout.splitlines()[:3] == [
        "Rename tag 'feature-stores' to 'feature-store' (merging into 'feature-store', already in "
        "use) on 2 entries:",
        "  feast                 -feature-stores  (Feast: an open source feature store)",
        "  michelangelo-palette  +feature-store -feature-stores  "
        "(Michelangelo Palette: a feature engineering platform at Uber)",
    ]
    result = cli(
        "tag",
        "--rename",
        "feature-stores",
        "feature-store",
        "--yes",
        "--json",
        "--catalogue",
        str(cat),
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["merge"] is True and data["written"] is True
    assert [c["id"] for c in data["changes"]] == ["feast", "michelangelo-palette"]
    catalogue = store.load(cat)
    after = Counter(t for r in catalogue.resources for t in r.tags)
    assert "feature-stores" not in after
    assert after["feature-store"] == before["feature-store"] + before["feature-stores"] - 1
    assert all(len(r.tags) == len(set(r.tags)) for r in catalogue.resources)
    assert _tags(cat, "feast") == ["feature-store", "mlops"]


# ----------------------------------------------------------------- --list


def test_list_json_counts_every_tag(cli: Run, cat: Path) -> None:
    result = cli("tag", "--list", "--json", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    counts = Counter(t for r in store.load(cat).resources for t in r.tags)
    assert {d["tag"]: d["count"] for d in data} == dict(counts)
    keys = [(-d["count"], d["tag"]) for d in data]
    assert keys == sorted(keys)  # by count, then name
    assert data[0] == {"tag": "ml-platform", "count": 2, "similar": []}
    similar = {d["tag"]: d["similar"] for d in data if d["similar"]}
    assert similar == {"feature-store": ["feature-stores"], "feature-stores": ["feature-store"]}


def test_list_plain_and_narrowed_by_a_filter(cli: Run, cat: Path) -> None:
    result = cli("tag", "--list", "--catalogue", str(cat))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["2\tml-platform", "2\tstreaming"]
    assert "1\tfeature-store\tsimilar: feature-stores" in lines
    result = cli("tag", "--list", "--section", "streaming", "--catalogue", str(cat))
    assert result.stdout == "2\tstreaming\n1\tkafka\n"


def test_list_of_an_untagged_catalogue(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    store.init_catalogue(path)
    result = cli("tag", "--list", "--json", "--catalogue", str(path))
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_dash_h_alone_is_help(cli: Run, cat: Path) -> None:
    result = cli("tag", "-h")
    assert result.exit_code == 0 and "Usage: mlsd tag" in result.stdout


# ----------------------------------------------------------------- errors: exit 2, nothing written


ERRORS: list[tuple[list[str], str]] = [
    (["nope-not-here", "+x"], "no resource with id or title 'nope-not-here'"),
    (["feast", "streaming"], "'streaming': a tag needs + (add) or - (remove) in front"),
    (["feast", "+kafka", "-kafka"], "tag 'kafka' is both added and removed"),
    (["feast", "+!!"], "tag '!!' has no letters or digits"),
    (["feast", "--dryrun", "+x"], "no such option: --dryrun"),
    (["+x"], "which entries? give an entry, --query WORDS or a filter"),
    ([], "nothing to do: give tags to add (+TAG) or remove (-TAG)"),
    (["--kind", "blog"], "nothing to do"),
    (["feast", "--query", "feast", "+x"], "give either an entry or --query/filters, not both"),
    (["--kind", "papr", "+x", "--yes"], "--kind: unknown kind 'papr'"),
    (["--query", " ", "+x", "--yes"], "--query: the search is empty"),
    (["--list", "+x"], "--list takes no entry and no +TAG/-TAG"),
    (["--rename", "feature-stor", "x", "--yes"], "no entry has the tag 'feature-stor'"),
    (["--rename", "mlops", "MLOps", "--yes"], "are the same tag"),
    (["--rename", "mlops", "ops", "--kind", "blog", "--yes"], "--rename works on the whole"),
    (["feast", "-y"], "-y is not an option of mlsd tag"),
    (["feast", "+ml-platforms", "--strict"], "(--strict)"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _m in ERRORS])
def test_errors_exit_2_and_write_nothing(
    cli: Run, cat: Path, args: list[str], message: str
) -> None:
    before = cat.read_bytes()
    result = cli("tag", *args, "--catalogue", str(cat))
    assert result.exit_code == 2, result.stdout
    last = result.stderr.splitlines()[-1]
    assert last.startswith("mlsd: error: ") and message in last
    assert "Traceback" not in result.stderr
    assert cat.read_bytes() == before


def test_bad_catalogue_is_one_line(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "resources.toml"
    bad.write_bytes(b"[catalogue]\nformat = 1\n[[resources]]\nid = 3\n")
    result = cli("tag", "x", "+y", "--catalogue", str(bad))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and f"{bad}:" in result.stderr
    assert bad.read_bytes() == b"[catalogue]\nformat = 1\n[[resources]]\nid = 3\n"


@pytest.mark.slow
def test_concurrent_tag_commands_lose_no_update(cat: Path, mlsd_exe: list[str]) -> None:
    """Three real processes tag the same entry at once. Each one either writes its tag or, when
    another wrote the entry after it read it, is refused as stale (exit 2, run it again): no
    update is lost silently, and at least the first writer succeeds."""
    import subprocess

    procs = [
        subprocess.Popen(
            [*mlsd_exe, "tag", "feast", f"+parallel-{i}", "--catalogue", str(cat)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    outcomes = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in procs]
    for proc in procs:
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert all(code in (0, 2) for code, _err in outcomes), outcomes
    assert any(code == 0 for code, _err in outcomes), outcomes
    for code, err in outcomes:
        if code == 2:
            assert "'feast' was changed by another command meanwhile" in err, err
            assert "run the command again" in err
    tags = _tags(cat, "feast")
    assert tags[:2] == ["feature-store", "mlops"]
    written = sorted(f"parallel-{i}" for i, (code, _e) in enumerate(outcomes) if code == 0)
    assert sorted(tags[2:]) == written


def test_list_on_a_terminal_is_a_table_with_near_spellings(
    cli: Run, cat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsd_cli.cli import tag_cmd

    monkeypatch.setattr(tag_cmd, "stdout_is_terminal", lambda: True)
    result = cli("tag", "--list", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "feature-stores" in rows["feature-store"]
    assert rows["ml-platform"].split("│")[2].strip() == "2"
    distinct = {t for r in store.load(cat).resources for t in r.tags}
    assert set(rows) == distinct
    footer = f"{len(distinct)} tags; 1 near-spelling pair: merge with mlsd tag --rename OLD NEW"
    assert result.stdout.splitlines()[-1] == footer


def test_on_the_shipped_catalogue(cli: Run, shipped_copy: Path) -> None:
    """The real catalogue: counts agree with the file; a rename and its inverse restore it."""
    original = shipped_copy.read_bytes()
    catalogue = store.load(shipped_copy)
    counts = Counter(t for r in catalogue.resources for t in set(r.tags))
    assert counts, "the shipped catalogue has tags"
    result = cli("tag", "--list", "--json", "--catalogue", str(shipped_copy))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {d["tag"]: d["count"] for d in data} == dict(counts)
    top = data[0]["tag"]
    assert data[0]["count"] == max(counts.values())
    renamed = cli("tag", "--rename", top, "zz-renamed", "--yes", "--catalogue", str(shipped_copy))
    assert renamed.exit_code == 0, renamed.stderr
    assert f"into 'zz-renamed' on {counts[top]} entries" in renamed.stdout
    back = cli("tag", "--rename", "zz-renamed", top, "--yes", "--catalogue", str(shipped_copy))
    assert back.exit_code == 0, back.stderr
    assert shipped_copy.read_bytes() == original


# ----------------------------------------------------------------- any script (issue 8)


def test_a_cyrillic_tag_is_a_tag(cli: Run, cat: Path) -> None:
    """`mlsd tag X +ранжирование` said "has no letters or digits"."""
    result = cli("tag", "feast", "+Ранжирование", "--catalogue", str(cat))
    assert result.exit_code == 0, result.stderr
    assert "ранжирование" in _tags(cat, "feast")
    listed = cli("list", "--tag", "ранжирование", "--json", "-c", str(cat))
    assert [r["id"] for r in json.loads(listed.stdout)] == ["feast"]


def test_a_punctuation_only_tag_is_refused_in_the_words_add_and_edit_use(
    cli: Run, cat: Path
) -> None:
    before = cat.read_bytes()
    result = cli("tag", "feast", "+«»", "--catalogue", str(cat))
    assert result.exit_code == 2 and cat.read_bytes() == before
    assert result.stderr == (
        "mlsd: error: tag '«»' has no letters or digits; a tag is words joined by '-', "
        "such as feature-store\n"
    )
