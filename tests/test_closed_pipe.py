"""Exit status under a closed pipe (`mlsd check | head -1`): findings keep exit 1, success stays 0.

Real processes writing into a real pipe. Either the read end is closed before mlsd writes
anything, or after the first line of an output far larger than the pipe holds, so mlsd is
still writing when the reader goes away. Both with Python's usual block-buffered stdout and
with PYTHONUNBUFFERED=1.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

from . import ondisk
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

#: A long path makes every output line long: 64 entries give some 300 KiB, far more than a pipe
#: holds (64 KiB by default on Linux; the tests shrink it to one page where they can).
LONG = "a" * 5000


@dataclass
class PipeRun:
    returncode: int
    first_line: bytes
    stderr: str


@pytest.fixture(params=["buffered", "unbuffered"])
def env(request: pytest.FixtureRequest) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if request.param == "unbuffered":
        environ["PYTHONUNBUFFERED"] = "1"
    return environ


def run_into_closed_pipe(
    command: list[str], env: dict[str, str], *, after_first_line: bool
) -> PipeRun:
    """Run ``command`` with stdout a pipe whose read end is closed at the start, or once the
    first line has been read."""
    read_end, write_end = os.pipe()
    with contextlib.suppress(AttributeError, OSError):  # Linux: a one-page pipe
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    if not after_first_line:
        os.close(read_end)
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE, env=env
    )
    os.close(write_end)
    first = b""
    if after_first_line:
        while b"\n" not in first:
            chunk = os.read(read_end, 1024)
            if not chunk:
                break
            first += chunk
        os.close(read_end)
    _, stderr = process.communicate(timeout=300)
    return PipeRun(process.returncode, first.split(b"\n")[0], stderr.decode("utf-8", "replace"))


def make_catalogue(path: Path, resources: list[Resource]) -> Path:
    store.init_catalogue(path, title="Pipes")
    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("s", "S"))
        catalogue.resources.extend(resources)
    return path


def distinct_title(number: int) -> str:
    """Titles that no two entries share or nearly share."""
    digest = hashlib.sha256(str(number).encode()).hexdigest()
    return " ".join(digest[i : i + 8] for i in range(0, 48, 8))


def duplicate_pairs(tmp_path: Path, pairs: int, path_text: str = "") -> Path:
    """``pairs`` pairs of entries whose URLs differ by a tracking parameter only."""
    resources = []
    for n in range(pairs):
        url = f"https://example.com/{n}/{path_text}"
        for k, variant in enumerate((url, url + "?utm_source=feed")):
            resources.append(
                Resource(
                    id=f"r{n}-{k}", title=distinct_title(2 * n + k), url=variant, sections=["s"]
                )
            )
    return make_catalogue(tmp_path / "resources.toml", resources)


def dead_links(tmp_path: Path, server: TestServer, count: int, path_text: str = "") -> Path:
    """``count`` entries whose links answer 404 (the test server's answer to any other path)."""
    resources = [
        Resource(
            id=f"gone-{n}",
            title=distinct_title(n),
            url=server.url(f"/{n}/{path_text}"),
            sections=["s"],
        )
        for n in range(count)
    ]
    return make_catalogue(tmp_path / "resources.toml", resources)


def check(mlsd_exe: list[str], path: Path) -> list[str]:
    fast = ["--backoff", "0", "--host-delay", "0", "--retries", "0", "--timeout", "5"]
    return [*mlsd_exe, "check", "-c", str(path), "--dead-after", "1", *fast]


def assert_quiet(run: PipeRun) -> None:
    assert "Traceback" not in run.stderr
    assert "Exception ignored" not in run.stderr
    assert run.stderr == ""


# ----------------------------------------------------------------- findings: exit 1


def test_check_with_dead_links_exits_1_when_the_reader_leaves_after_one_line(
    tmp_path: Path, http_server: TestServer, mlsd_exe: list[str], env: dict[str, str]
) -> None:
    path = dead_links(tmp_path, http_server, 64, LONG)
    run = run_into_closed_pipe(check(mlsd_exe, path), env, after_first_line=True)
    assert run.first_line.startswith(b"DEAD\t404\t")
    assert run.returncode == 1
    assert_quiet(run)


def test_check_with_a_dead_link_exits_1_into_a_pipe_closed_from_the_start(
    tmp_path: Path, http_server: TestServer, mlsd_exe: list[str], env: dict[str, str]
) -> None:
    path = dead_links(tmp_path, http_server, 1)
    run = run_into_closed_pipe(check(mlsd_exe, path), env, after_first_line=False)
    assert run.returncode == 1
    assert_quiet(run)
    assert (tmp_path / ".mlsd" / "linkstate.json").is_file()  # the check itself was done


def test_dedupe_with_duplicates_exits_1_when_the_reader_leaves_after_one_line(
    tmp_path: Path, mlsd_exe: list[str], env: dict[str, str]
) -> None:
    path = duplicate_pairs(tmp_path, 64, LONG)
    run = run_into_closed_pipe([*mlsd_exe, "dedupe", "-c", str(path)], env, after_first_line=True)
    assert run.first_line.startswith(b"Group 1/64: same URL")
    assert run.returncode == 1
    assert_quiet(run)


@pytest.mark.parametrize("json_out", [[], ["--json"]], ids=["text", "json"])
def test_dedupe_with_a_duplicate_pair_exits_1_into_a_pipe_closed_from_the_start(
    tmp_path: Path, mlsd_exe: list[str], env: dict[str, str], json_out: list[str]
) -> None:
    path = duplicate_pairs(tmp_path, 1)
    command = [*mlsd_exe, "dedupe", "-c", str(path), *json_out]
    run = run_into_closed_pipe(command, env, after_first_line=False)
    assert run.returncode == 1
    assert_quiet(run)


# ----------------------------------------------------------------- success: exit 0


def test_list_of_a_big_catalogue_exits_0_when_the_reader_leaves_after_one_line(
    tmp_path: Path, mlsd_exe: list[str], env: dict[str, str]
) -> None:
    path = duplicate_pairs(tmp_path, 64, LONG)
    run = run_into_closed_pipe([*mlsd_exe, "list", "-c", str(path)], env, after_first_line=True)
    assert run.first_line
    assert run.returncode == 0
    assert_quiet(run)


def test_list_exits_0_into_a_pipe_closed_from_the_start(
    tmp_path: Path, mlsd_exe: list[str], env: dict[str, str]
) -> None:
    path = duplicate_pairs(tmp_path, 1)
    run = run_into_closed_pipe([*mlsd_exe, "list", "-c", str(path)], env, after_first_line=False)
    assert run.returncode == 0
    assert_quiet(run)


def test_clean_check_exits_0_into_a_pipe_closed_from_the_start(
    tmp_path: Path, http_server: TestServer, mlsd_exe: list[str], env: dict[str, str]
) -> None:
    from .httpserver import Reply

    http_server.route("/ok", Reply(200))
    resource = Resource(id="ok", title="Ok", url=http_server.url("/ok"), sections=["s"])
    path = make_catalogue(tmp_path / "resources.toml", [resource])
    run = run_into_closed_pipe(check(mlsd_exe, path), env, after_first_line=False)
    assert run.returncode == 0
    assert_quiet(run)


# ----------------------------------------------------------------- errors: exit 2


@pytest.mark.parametrize("json_out", [[], ["--json"]], ids=["text", "json"])
def test_an_error_keeps_exit_2_and_its_one_line_into_a_pipe_closed_from_the_start(
    tmp_path: Path, mlsd_exe: list[str], env: dict[str, str], json_out: list[str]
) -> None:
    path = duplicate_pairs(tmp_path, 1)
    command = [*mlsd_exe, "list", "-c", str(path), "--kind", "nosuchkind", *json_out]
    run = run_into_closed_pipe(command, env, after_first_line=False)
    assert run.returncode == 2
    assert run.stderr.startswith("mlsd: error: --kind: unknown kind 'nosuchkind'")
    assert len(run.stderr.splitlines()) == 1
