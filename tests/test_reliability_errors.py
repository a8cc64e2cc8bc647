"""Issue 12: bad inputs are one line and exit 2 with the file byte-identical; deep nesting,
usage errors, a link state that cannot be saved, Ctrl-C that says what is true, a tampered
load cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store

from .conftest import SAMPLE_TOML
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

Run = Callable[..., Result]

UBER = "https://eng.uber.com/michelangelo-machine-learning-platform/"
FIRST = "ubers-michelangelo"
RES = "[[resources]]"
CONFLICT = '\n[[conflicts]]\nresource = "the-log"\nfield = "year"\nours = 2014\ntheirs = 2015\n'
DEEP_TOML = SAMPLE_TOML + "\n[extra]\nx = " + "[" * 500 + "]" * 500 + "\n"

#: (arguments after "mlsd", the words the one line must hold). CAT is the catalogue's path.
BAD_INPUTS = [
    (["list", "--limit", "x"], "'--limit'"),
    (["list", "--limit", "0"], "'--limit'"),
    (["list", "--year", "abc"], "'--year'"),
    (["search", "log", "--limit", "-3"], "'--limit'"),
    (["list", "--bogus"], "no such option: --bogus"),
    (["--bogus", "list"], "no such option: --bogus"),
    (["list", "--catalogue", "DIR"], "is a directory"),
    (["show"], "missing argument"),
    (["nosuchcommand"], "no such command"),
    (["list", "--kind", "pdf"], "--kind"),
    (["add", "--tag", "!!!", "--title", "T", "--kind", "blog", "--section", "platforms"], "!!!"),
    (
        [
            "add",
            "https://a.test/",
            "--title",
            "\x1b[2J",
            "--kind",
            "blog",
            "--section",
            "platforms",
        ],
        "U+",
    ),
    (["add", "javascript:alert(1)", "--title", "T", "--kind", "blog"], "javascript"),
    (["edit", "the-log", "--url", "http://evil.test\\@example.com/"], "backslash"),
    (["tag", "the-log", "+x"], "MLSD_LOCK_TIMEOUT", {"MLSD_LOCK_TIMEOUT": "soon"}),
    (["list"], "nested too deeply", {"CONTENT": DEEP_TOML}),
    # bad data in the file: each named by file:line
    (["list"], "the catalogue file is empty", {"CONTENT": ""}),
    (["list"], ":18:18: invalid TOML", {"CONTENT": SAMPLE_TOML.replace('Michelangelo"', "M")}),
    (
        ["show", "the-log"],
        "uses 'javascript:'",
        {"CONTENT": SAMPLE_TOML.replace(UBER, "javascript:x")},
    ),
    (["list"], "unknown kind 'pdf'", {"CONTENT": SAMPLE_TOML.replace('"blog"', '"pdf"', 1)}),
    (
        ["list"],
        "duplicate resource id",
        {"CONTENT": SAMPLE_TOML.replace('"the-log"', f'"{FIRST}"')},
    ),
    (["list"], "unresolved merge conflict", {"CONTENT": SAMPLE_TOML + CONFLICT}),
    (
        ["list"],
        ":16:1: invalid TOML",
        {"CONTENT": SAMPLE_TOML.replace(RES, "<<<<<<< ours\n" + RES, 1)},
    ),
    # bad values for the commands that write
    (["tag", "the-log", "+!!!"], "has no letters or digits"),
    (["tag", "nosuch", "+x"], "no resource with id or title 'nosuch'"),
    (["edit", "the-log", "--year", "abc"], "'--year'"),
    (["edit", "the-log", "--title", "a\x1b[2Jb"], "control character U+001B"),
    (["edit", "the-log", "--url", "javascript:alert(1)"], "javascript"),
    (["remove", "nosuch", "--yes"], "no resource with id or title 'nosuch'"),
    (
        ["add", "https://b.test/", "--title", "T", "--kind", "blog", "--section", "nowhere"],
        "--section",
    ),
    (["section", "add", "X", "--parent", "nowhere"], "--parent: no section named 'nowhere'"),
    (["section", "remove", "platforms"], "holds 2 entries"),
    (["import", "NOFILE"], "no such file"),
    # bad options of the commands that read
    (["list", "--sort", "bogus"], "--sort"),
    (["list", "--since", "yesterday-ish"], "--since"),
    (["check", "--timeout", "-1"], "--timeout"),
    (["check", "--accept", "abc"], "--accept"),
    (["check", "--max-age", "forever"], "--max-age"),
    (["export", "--format", "docx"], "--format"),
]


def _case(case: tuple) -> tuple[list[str], str, dict[str, str]]:  # type: ignore[type-arg]
    return case[0], case[1], case[2] if len(case) > 2 else {}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=lambda c: " ".join(c[0])[:40])
def test_each_bad_input_is_one_line_exit_2_and_the_file_unchanged(
    cli: Run,
    tmp_path: Path,
    case: tuple,  # type: ignore[type-arg]
) -> None:
    args, words, env = _case(case)
    path = tmp_path / "resources.toml"
    path.write_text(env.pop("CONTENT", SAMPLE_TOML), encoding="utf-8")
    before = path.read_bytes()
    args = [str(tmp_path) if a == "DIR" else a for a in args]
    if "--catalogue" not in args:
        args += ["--catalogue", str(path)] if args[0] != "--bogus" else []
    result = cli(*args, "--yes", "--no-fetch") if args[0] == "add" else cli(*args, env=env)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlsd: error: "), result.stderr
    assert words.lower() in lines[0].lower()
    assert "╭" not in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(store.TEMP_SUFFIX)]


def test_a_usage_error_names_the_help_of_its_command(cli: Run, sample_catalogue: Path) -> None:
    result = cli("list", "--year", "abc", "--catalogue", str(sample_catalogue))
    assert result.stderr.rstrip().endswith("see: mlsd list --help")


def test_a_catalogue_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "resources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE_TOML.encode())
    assert next(r.id for r in store.load(path).resources) == "ubers-michelangelo"


# ----------------------------------------------------------------- check's link state


def test_a_nested_link_state_is_a_warning_not_a_traceback(
    cli: Run, tmp_path: Path, http_server: TestServer
) -> None:
    from mlsd_cli.web import linkstate

    http_server.route("/ok", Reply(200))
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML.split("[[resources]]")[0], encoding="utf-8")
    state = linkstate.state_path(path)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text('{"links": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = cli("check", "--catalogue", str(path))
    assert "Traceback" not in result.stderr
    assert "nested too deeply" in result.stderr and result.exit_code == 0


def _dead_link_with_state_folder(tmp_path: Path, server: TestServer) -> tuple[Path, str]:
    """A catalogue whose one URL answers 404, and a folder where its link state goes."""
    from mlsd_cli.web import linkstate

    server.route("/gone", Reply(404))
    url = server.url("/gone")
    path = tmp_path / "resources.toml"
    path.write_text(
        SAMPLE_TOML.replace("https://eng.uber.com/michelangelo-machine-learning-platform/", url)
        .replace('url = "https://engineering.linkedin.com', 'homepage = "https://engineering')
        .replace('homepage = "', "# ", 1),
        encoding="utf-8",
    )
    linkstate.state_path(path).mkdir(parents=True)
    return path, url


def test_a_link_state_path_that_is_a_folder_keeps_the_results(
    cli: Run, tmp_path: Path, http_server: TestServer
) -> None:
    """The results are reported (stdout), then one error line: exit 2, not 1 (findings)."""
    path, url = _dead_link_with_state_folder(tmp_path, http_server)
    before = path.read_bytes()
    result = cli("check", "--dead-after", "1", "--catalogue", str(path))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("mlsd: error: could not save the link state to ")
    assert "Is a directory" in line and "not remembered" in line
    assert "DEAD\t404\t" + url in result.stdout  # the run's result is still reported
    assert path.read_bytes() == before


def test_a_link_state_path_that_is_a_folder_with_json_is_one_document(
    cli: Run, tmp_path: Path, http_server: TestServer
) -> None:
    path, url = _dead_link_with_state_folder(tmp_path, http_server)
    result = cli("check", "--dead-after", "1", "--json", "--catalogue", str(path))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    document = json.loads(result.stdout)  # one JSON document: the results and the error
    assert document["exit_code"] == 2 and "not remembered" in document["error"]
    assert [link["url"] for link in document["links"] if link["verdict"] == "dead"] == [url]


# ----------------------------------------------------------------- Ctrl-C


@pytest.mark.parametrize("when", ["before the rename", "after the rename"])
def test_ctrl_c_during_the_save_says_what_is_true(
    cli: Run, sample_catalogue: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    before = sample_catalogue.read_bytes()
    real_replace = os.replace

    def interrupted_replace(src: str, dst: str) -> None:
        if when == "after the rename":
            real_replace(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    result = cli("tag", "the-log", "+x", "--catalogue", str(sample_catalogue))
    assert result.exit_code == 130
    written = sample_catalogue.read_bytes() != before
    assert written == (when == "after the rename")
    expected = "were saved" if written else "nothing was written"
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr


def test_ctrl_c_while_mlsd_is_still_loading_is_one_line() -> None:
    """The interrupt lands while ``mlsd_cli.cli`` is imported (a finder raises it there)."""
    code = (
        "import sys\n"
        "class Finder:\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'mlsd_cli.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Finder())\n"
        "from mlsd_cli.__main__ import run\n"
        "run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 130
    assert proc.stderr == "mlsd: interrupted; nothing was written\n"


# ----------------------------------------------------------------- the load cache


def test_an_edited_load_cache_is_not_trusted(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone who can write the cache folder rewrites an entry of a cached catalogue, keeping
    the digest of the real file: mlsd must not show the forged entry."""
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    store.load(path)  # writes the cache
    [cache] = list(store.cache_dir().glob("catalogue-*.json"))
    text = cache.read_text(encoding="utf-8")
    forged = text.replace(
        "https://eng.uber.com/michelangelo-machine-learning-platform/", "javascript:alert(1)"
    )
    forged = forged.replace("Uber's Michelangelo", "\x1b]0;pwned\x07")
    assert forged != text
    cache.write_text(forged, encoding="utf-8")
    loaded = store.load(path)
    assert "javascript:alert(1)" not in [r.url for r in loaded.resources]
    result = cli("list", "--json", "--catalogue", str(path))
    assert "javascript" not in result.stdout and "pwned" not in result.stdout
    assert json.loads(result.stdout)


def test_the_cache_key_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "CACHE_MIN_BYTES", 0)
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    store.load(path)
    keys = list(store.cache_dir().glob("*key*"))
    assert keys and all(k.stat().st_mode & 0o077 == 0 for k in keys)
