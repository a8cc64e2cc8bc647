"""``mlsd check`` end to end, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

from . import ondisk
from .conftest import ROOT
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture
from .httpserver import redirect

Cli = Callable[..., Result]
#: No waiting in tests: no backoff, no delay between requests to a host.
FAST = ["--backoff", "0", "--host-delay", "0", "--retries", "0", "--timeout", "2"]


def make_catalogue(tmp_path: Path, links: dict[str, tuple[str, list[str]]]) -> Path:
    """A catalogue with one resource per (id -> (url, tags))."""
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Links")
    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("links", "Links"))
        for rid, (url, tags) in links.items():
            catalogue.resources.append(
                Resource(id=rid, title=rid.title(), url=url, sections=["links"], tags=tags)
            )
    return path


def serve_usual(server: TestServer) -> None:
    server.route("/ok", Reply(200))
    server.route("/gone", Reply(404))
    server.route("/old", redirect("/ok", 301))
    server.route("/bot", Reply(403))


def usual_catalogue(tmp_path: Path, server: TestServer) -> Path:
    serve_usual(server)
    return make_catalogue(
        tmp_path,
        {
            "fine": (server.url("/ok"), ["a"]),
            "gone": (server.url("/gone"), ["b"]),
            "moved": (server.url("/old"), ["a"]),
            "walled": (server.url("/bot"), ["b"]),
        },
    )


def problem_lines(stdout: str) -> dict[str, list[str]]:
    """Plain output: {resource ids: [label, status, url, ids, detail]} for each problem line."""
    rows = [line.split("\t") for line in stdout.splitlines() if "\t" in line]
    return {row[3]: row for row in rows}


# ----------------------------------------------------------------- verdicts and exit codes


def test_all_links_fine_exits_0(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/ok", Reply(200))
    path = make_catalogue(tmp_path, {"fine": (http_server.url("/ok"), [])})
    result = cli("check", "-c", str(path), *FAST)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "ok 1  redirected 0  soft 0  failing 0  dead 0  skipped 0"
    )
    assert result.stderr == ""


def test_state_persists_and_only_repeated_failures_are_dead(
    cli: Cli, tmp_path: Path, http_server: TestServer
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    before = path.read_bytes()

    first = cli("check", "-c", str(path), *FAST)
    assert first.exit_code == 0, first.stderr  # failing is not dead yet
    rows = problem_lines(first.stdout)
    assert rows["gone"][:3] == ["failing (1/2)", "404", http_server.url("/gone")]
    assert rows["gone"][4] == "HTTP 404 Not Found"
    assert rows["walled"][:2] == ["soft", "403"]
    assert rows["moved"][:2] == ["moved", "301"]
    assert rows["moved"][4] == f"moved to {http_server.url('/ok')}"
    assert "fine" not in rows
    assert "1 moved permanently: mlsd check --fix-redirects rewrites them" in first.stdout
    state = tmp_path / ".mlsd" / "linkstate.json"
    assert json.loads(state.read_text())["links"][http_server.url("/gone")]["failures"] == 1

    second = cli("check", "-c", str(path), *FAST)
    assert second.exit_code == 1
    rows = problem_lines(second.stdout)
    assert rows["gone"][:2] == ["DEAD", "404"]
    assert rows["gone"][4] == "HTTP 404 Not Found (2 runs in a row)"
    assert rows["walled"][0] == "soft"  # soft never becomes dead
    assert "failing 0  dead 1" in second.stdout
    assert path.read_bytes() == before  # the state never goes into the catalogue


def test_dead_after_one_run(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), "--dead-after", "1", *FAST)
    assert result.exit_code == 1
    assert problem_lines(result.stdout)["gone"][0] == "DEAD"


def test_filters_choose_the_links(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), "--tag", "a", *FAST)
    assert result.exit_code == 0
    assert http_server.count("/gone") == 0 and http_server.count("/bot") == 0
    assert http_server.count("/old") == 1 and http_server.count("/ok") == 2  # direct + redirect


def test_exclude_max_age_and_accept(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    path = usual_catalogue(tmp_path, http_server)
    cli("check", "-c", str(path), *FAST)
    result = cli(
        "check",
        "-c",
        str(path),
        "--max-age",
        "7d",
        "-x",
        "/gone$",
        "--accept",
        "200..299,403",
        "--json",
        *FAST,
    )
    data = json.loads(result.stdout)
    verdicts = {link["resources"][0]: (link["verdict"], link["reason"]) for link in data["links"]}
    assert verdicts["fine"] == ("skipped", "checked OK 1 min ago")
    assert verdicts["gone"] == ("skipped", "excluded by --exclude '/gone$'")
    assert verdicts["walled"] == ("ok", None)  # 403 accepted
    assert verdicts["moved"][0] == "skipped"  # worked (after a redirect) a moment ago
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--accept", "fine"], "--accept: 'fine' is not a status code or a range"),
        (["--exclude", "("], "--exclude: '(' is not a valid regular expression"),
        (["--max-age", "soon"], "--max-age: 'soon' is not a duration"),
        (["--kind", "papr"], "--kind: unknown kind 'papr'"),
        # Numbers the core refuses (once: the CLI does not check them again), naming the option.
        (["--concurrency", "0"], "--concurrency: must be at least 1, not 0"),
        (["--per-host", "0"], "--per-host: must be at least 1, not 0"),
        (["--timeout", "0"], "--timeout: must be more than 0 seconds, not 0"),
        (["--retries", "-1"], "--retries: cannot be negative, not -1"),
        (["--backoff", "-1"], "--backoff: cannot be negative, not -1"),
        (["--host-delay", "-1"], "--host-delay: cannot be negative, not -1"),
        (["--dead-after", "0"], "--dead-after: must be at least 1, not 0"),
    ],
)
def test_bad_options_exit_2_before_any_request(
    cli: Cli, tmp_path: Path, http_server: TestServer, args: list[str], message: str
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mlsd: error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert http_server.requests == []
    assert not (tmp_path / ".mlsd" / "linkstate.json").exists()


def test_out_of_range_numbers_are_usage_errors(cli: Cli, tmp_path: Path) -> None:
    path = make_catalogue(tmp_path, {})
    for option in ("--concurrency", "--per-host", "--dead-after"):
        result = cli("check", "-c", str(path), option, "0")
        assert result.exit_code == 2
        assert option in result.stderr


def test_corrupt_state_file_is_a_warning(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/ok", Reply(200))
    path = make_catalogue(tmp_path, {"fine": (http_server.url("/ok"), [])})
    state = tmp_path / ".mlsd" / "linkstate.json"
    state.write_text("{garbage")
    result = cli("check", "-c", str(path), *FAST)
    assert result.exit_code == 0
    assert result.stderr == (
        f"mlsd: warning: ignoring the link state in {state} (not valid JSON); "
        "it will be rewritten\n"
    )
    assert json.loads(state.read_text())["format"] == "mlsd-linkstate"


# ----------------------------------------------------------------- --json


def _shape(value: Any) -> Any:
    """Keys (recursively) and JSON types, ignoring values; null matches anything."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _same_shape(documented: Any, actual: Any, where: str = "$") -> None:
    if isinstance(documented, dict):
        assert isinstance(actual, dict), where
        assert set(actual) == set(documented), f"{where}: keys differ"
        for key in documented:
            _same_shape(documented[key], actual[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), where
        for item in actual:
            for example in documented[:1]:
                _same_shape(example, item, f"{where}[]")
    elif documented is not None and actual is not None:
        assert type(actual) is type(documented), f"{where}: {actual!r} vs {documented!r}"


def documented_json(heading: str) -> Any:
    text = (ROOT / "docs" / "check.md").read_text()
    section = text.split(heading, 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block, f"no JSON example under {heading}"
    return json.loads(block.group(1))


def test_json_matches_the_documented_schema(
    cli: Cli, tmp_path: Path, http_server: TestServer
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), "--json", "--fix-redirects", "--yes", "-x", "bot", *FAST)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    documented = documented_json("## `--json`")
    _same_shape(documented, data)
    assert data["catalogue"] == str(path)
    assert data["state_file"] == str(tmp_path / ".mlsd" / "linkstate.json")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["checked_at"])
    assert data["summary"] == {
        "total": 4,
        "ok": 1,
        "redirected": 1,
        "soft": 0,
        "failing": 1,
        "dead": 0,
        "skipped": 1,
    }
    links = {link["resources"][0]: link for link in data["links"]}
    assert [link["resources"][0] for link in data["links"]] == ["fine", "gone", "moved", "walled"]
    assert links["moved"]["redirects"] == [
        {"status": 301, "url": http_server.url("/old"), "location": http_server.url("/ok")}
    ]
    assert links["moved"]["moved_to"] == http_server.url("/ok")
    assert links["gone"]["failures"] == 1 and links["gone"]["status"] == 404
    assert links["walled"]["attempts"] == 0 and links["walled"]["method"] is None
    assert data["fixed"] == [
        {"resource": "moved", "old": http_server.url("/old"), "new": http_server.url("/ok")}
    ]
    state = json.loads((tmp_path / ".mlsd" / "linkstate.json").read_text())
    documented_state = documented_json("## The state file")
    [example] = documented_state.pop("links").values()  # keyed by URL
    records = state.pop("links")
    _same_shape(documented_state, state)
    assert set(records) == {link["url"] for link in data["links"]} - {http_server.url("/bot")}
    for record in records.values():
        _same_shape(example, record)


# ----------------------------------------------------------------- --fix-redirects


def _urls(path: Path) -> dict[str, str | None]:
    return {r.id: r.url for r in store.load(path).resources}


def test_fix_redirects_with_yes(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), "--fix-redirects", "--yes", *FAST)
    assert result.exit_code == 0
    assert f"Rewrote 1 URL in {path}." in result.stdout
    assert _urls(path)["moved"] == http_server.url("/ok")
    assert _urls(path)["gone"] == http_server.url("/gone")


def test_fix_redirects_asks_first(cli: Cli, tmp_path: Path, http_server: TestServer) -> None:
    path = usual_catalogue(tmp_path, http_server)
    before = path.read_bytes()
    env = {"MLSD_INTERACTIVE": "1"}
    args = ["check", "-c", str(path), "--fix-redirects", "--dead-after", "3", *FAST]
    declined = cli(*args, input="n\n", env=env)
    assert declined.exit_code == 0  # an answer, not an error (no dead link: no findings)
    assert declined.stderr.startswith("Rewrite 1 moved URL in")  # the question, on stderr
    assert declined.stderr.endswith("\nnot rewritten; nothing was written\n")
    assert path.read_bytes() == before
    accepted = cli(*args, input="y\n", env=env)
    assert accepted.exit_code == 0
    assert _urls(path)["moved"] == http_server.url("/ok")


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_fix_redirects_without_an_answer_refuses_up_front(
    cli: Cli, tmp_path: Path, http_server: TestServer, extra: list[str]
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    result = cli("check", "-c", str(path), "--fix-redirects", *extra, *FAST)
    assert result.exit_code == 2
    assert "add --yes" in result.stderr
    assert http_server.requests == []


def test_shipped_catalogue_is_read_only_and_keeps_state_in_the_cache(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no resources.toml here or above: the shipped one is used
    cache = Path(os.environ["MLSD_CACHE_DIR"])
    refused = cli("check", "--fix-redirects", "--yes")
    assert refused.exit_code == 2
    assert "read-only" in refused.stderr
    # Exclude everything: nothing is requested, but the run still records its state.
    result = cli("check", "--exclude", ".", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["state_file"] == str(cache / "linkstate-shipped.json")
    assert data["summary"]["skipped"] == data["summary"]["total"]
    assert (cache / "linkstate-shipped.json").is_file()


# ----------------------------------------------------------------- on a terminal


@pytest.mark.slow
def test_progress_bar_table_and_prompt_on_a_terminal(
    tmp_path: Path, http_server: TestServer
) -> None:
    path = usual_catalogue(tmp_path, http_server)
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "140"}
    env.pop("MLSD_INTERACTIVE", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", "check", "-c", str(path), "--fix-redirects", *FAST],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 140),
    )
    try:
        child.expect("Checking links")  # the progress bar, on stderr
        child.expect("Links to look at")
        child.expect(r"failing \(1/2\)")
        child.expect("Summary")
        child.expect(r"Rewrite 1 moved URL in .*\? \[y/N\]")
        child.sendline("y")
        child.expect("Rewrote 1 URL")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert _urls(path)["moved"] == http_server.url("/ok")
