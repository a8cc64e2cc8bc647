"""Files mlsd creates honour the umask, like any file a user creates; a rewrite keeps the mode.

Every writer goes through ``store.write_atomic``: ``mlsd init``, each export written with
``--output``, the README between its markers, the catalogue after a save, the link state.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

from . import ondisk
from .conftest import SAMPLE_TOML
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

Run = Callable[..., Result]

#: umask -> the mode of a new file (0o666 less the umask) and of a new folder (0o777 less it).
UMASKS = {0o022: (0o644, 0o755), 0o077: (0o600, 0o700)}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=sorted(UMASKS), ids=lambda u: f"umask{u:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under this umask (and restore the previous one after)."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    return path


def test_init_creates_a_catalogue_with_the_umask_mode(cli: Run, tmp_path: Path, umask: int) -> None:
    path = tmp_path / "list.toml"
    result = cli("init", str(path))
    assert result.exit_code == 0, result.stderr
    assert mode(path) == UMASKS[umask][0]


def test_init_creates_missing_folders_with_the_umask_mode(
    cli: Run, tmp_path: Path, umask: int
) -> None:
    path = tmp_path / "sub" / "dir" / "list.toml"
    result = cli("init", str(path), "--title", "Mine")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"Created {path}.")
    assert store.load(path).title == "Mine"
    file_mode, folder_mode = UMASKS[umask]
    assert mode(path) == file_mode
    assert mode(tmp_path / "sub") == folder_mode
    assert mode(tmp_path / "sub" / "dir") == folder_mode


def test_init_under_a_file_is_one_line_exit_2(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a folder\n", encoding="utf-8")
    result = cli("init", str(tmp_path / "plain" / "list.toml"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mlsd: error: cannot create the folder {tmp_path / 'plain'}")
    assert len(result.stderr.splitlines()) == 1
    assert (tmp_path / "plain").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv", "bibtex", "html"])
def test_every_export_written_with_output_has_the_umask_mode(
    cli: Run, sample: Path, tmp_path: Path, umask: int, fmt: str
) -> None:
    out = tmp_path / f"export.{fmt}"
    result = cli("export", "-c", str(sample), "--format", fmt, "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 0
    assert mode(out) == UMASKS[umask][0]


def test_a_rewritten_export_keeps_its_mode(cli: Run, sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "list.json"
    out.write_text("{}\n", encoding="utf-8")
    out.chmod(0o664)
    result = cli("export", "-c", str(sample), "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") != "{}\n"
    assert mode(out) == 0o664


def test_the_readme_between_markers_keeps_its_mode(
    cli: Run, sample: Path, tmp_path: Path, umask: int
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Mine\n\n<!-- mlsd:start -->\n<!-- mlsd:end -->\n", encoding="utf-8")
    readme.chmod(0o664)
    result = cli("export", "-c", str(sample), "--output", str(readme))
    assert result.exit_code == 0, result.stderr
    assert "Uber's Michelangelo" in readme.read_text(encoding="utf-8")
    assert mode(readme) == 0o664


def test_a_new_readme_has_the_umask_mode(
    cli: Run, sample: Path, tmp_path: Path, umask: int
) -> None:
    readme = tmp_path / "README.md"
    result = cli("export", "-c", str(sample), "--output", str(readme))
    assert result.exit_code == 0, result.stderr
    assert mode(readme) == UMASKS[umask][0]


def test_a_save_keeps_the_catalogue_mode(cli: Run, sample: Path, umask: int) -> None:
    sample.chmod(0o664)
    result = cli("tag", "the-log", "+kafka", "--catalogue", str(sample))
    assert result.exit_code == 0, result.stderr
    assert "kafka" in store.load(sample).resources[1].tags
    assert mode(sample) == 0o664


def test_a_catalogue_saved_to_a_new_path_has_the_umask_mode(
    sample: Path, tmp_path: Path, umask: int
) -> None:
    target = tmp_path / "copy.toml"
    assert store.save(store.load(sample), target)
    assert mode(target) == UMASKS[umask][0]


def test_the_link_state_file_has_the_umask_mode(
    cli: Run, tmp_path: Path, http_server: TestServer, umask: int
) -> None:
    http_server.route("/ok", Reply(200))
    path = tmp_path / "resources.toml"
    store.init_catalogue(path, title="Links")
    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("links", "Links"))
        catalogue.resources.append(
            Resource(id="ok", title="Ok", url=http_server.url("/ok"), sections=["links"])
        )
    result = cli("check", "-c", str(path), "--retries", "0", "--host-delay", "0")
    assert result.exit_code == 0, result.stderr
    assert mode(tmp_path / ".mlsd" / "linkstate.json") == UMASKS[umask][0]
