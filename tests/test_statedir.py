"""mlsd's own files beside a catalogue live in one folder, ``.mlsd/``, with its own .gitignore
(the lock and temp files ignored, the link history left to commit); files of earlier versions
are still read and retired (issue 14)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import statedir
from mlsd_cli.catalogue import store

from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture
from .test_cli_check import FAST
from .test_cli_check import make_catalogue
from .test_cli_check import problem_lines

Run = Callable[..., Result]


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


def _repo_with(catalogue: Path) -> Path:
    repo = catalogue.parent
    _git(repo, "init", "-q")
    _git(repo, "add", catalogue.name)
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "catalogue")
    return repo


def test_a_write_leaves_git_status_clean(cli: Run, sample_catalogue: Path) -> None:
    repo = _repo_with(sample_catalogue)
    result = cli("tag", "the-log", "+kafka", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert (repo / ".mlsd" / "resources.toml.lock").is_file()  # the lock is in the folder...
    assert sorted(p.name for p in repo.iterdir() if p.name != ".git") == [
        ".mlsd",
        "resources.toml",
    ]
    assert _git(repo, "status", "--porcelain") == " M resources.toml\n"  # ...and ignored


def test_the_link_history_shows_as_a_file_to_commit(
    cli: Run, tmp_path: Path, http_server: TestServer
) -> None:
    http_server.route("/ok", Reply(200))
    path = make_catalogue(tmp_path, {"fine": (http_server.url("/ok"), [])})
    repo = _repo_with(path)
    result = cli("check", "-c", str(path), *FAST)
    assert result.exit_code == 0, result.stderr
    assert _git(repo, "status", "--porcelain", "--untracked-files=all") == (
        "?? .mlsd/linkstate.json\n"
    )
    ignored = _git(
        repo, "check-ignore", "--no-index", ".mlsd/resources.toml.lock", ".mlsd/x.mlsd-tmp"
    )
    assert ignored.split() == [".mlsd/resources.toml.lock", ".mlsd/x.mlsd-tmp"]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_the_folder_is_made_on_demand_with_the_umask(
    cli: Run, sample_catalogue: Path, umask: int
) -> None:
    folder = sample_catalogue.parent / ".mlsd"
    assert cli("list", "-c", str(sample_catalogue)).exit_code == 0
    assert not folder.exists()  # a read makes nothing
    previous = os.umask(umask)
    try:
        assert cli("tag", "the-log", "+kafka", "-c", str(sample_catalogue)).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((folder / ".gitignore").stat().st_mode) == 0o666 & ~umask
    assert (folder / ".gitignore").read_text(encoding="utf-8") == statedir.GITIGNORE


def test_a_file_where_the_folder_goes_is_one_line(cli: Run, sample_catalogue: Path) -> None:
    (sample_catalogue.parent / ".mlsd").write_text("not a folder\n", encoding="utf-8")
    before = sample_catalogue.read_bytes()
    result = cli("tag", "the-log", "+kafka", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "lock file" in line and ".mlsd" in line and "Traceback" not in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_an_old_lock_file_beside_the_catalogue_is_retired(cli: Run, sample_catalogue: Path) -> None:
    old = sample_catalogue.parent / ".resources.toml.lock"
    old.write_text("", encoding="utf-8")
    assert statedir.legacy_lock_file(store.lock_path(sample_catalogue)) == old
    result = cli("tag", "the-log", "+kafka", "-c", str(sample_catalogue))
    assert result.exit_code == 0, result.stderr
    assert not old.exists()
    assert "kafka" in store.load(sample_catalogue).resources[1].tags


def test_an_old_lock_still_held_by_an_older_mlsd_is_waited_for(sample_catalogue: Path) -> None:
    """An older mlsd holding ``.resources.toml.lock``: a new writer waits for it too."""
    from mlsd_cli.catalogue.filelocks import hold
    from mlsd_cli.errors import CatalogueError

    old = sample_catalogue.parent / ".resources.toml.lock"
    refused = pytest.raises(CatalogueError, match="busy")
    with hold(old, 0), refused, store.locked(sample_catalogue, timeout=0):
        pass
    assert old.exists()  # not retired by a writer that did not get it


@pytest.mark.parametrize(
    ("name", "old_name", "new_name"),
    [
        ("resources.toml", ".mlsd-linkstate.json", "linkstate.json"),
        ("my list.toml", ".mlsd-linkstate-my_list.json", "linkstate-my_list.json"),
    ],
)
def test_an_old_link_state_is_read_then_moved_into_the_folder(
    cli: Run, tmp_path: Path, http_server: TestServer, name: str, old_name: str, new_name: str
) -> None:
    http_server.route("/gone", Reply(404))
    url = http_server.url("/gone")
    path = make_catalogue(tmp_path, {"gone": (url, [])}).rename(tmp_path / name)
    old = tmp_path / old_name
    first = cli("check", "-c", str(path), *FAST)  # one failing run, remembered the old way:
    assert first.exit_code == 0, first.stderr
    (tmp_path / ".mlsd" / new_name).rename(old)
    second = cli("check", "-c", str(path), *FAST)
    assert problem_lines(second.stdout)["gone"][0] == "DEAD"  # the old file's run counted
    assert second.exit_code == 1
    assert not old.exists()
    state = json.loads((tmp_path / ".mlsd" / new_name).read_text(encoding="utf-8"))
    assert state["links"][url]["failures"] == 2
