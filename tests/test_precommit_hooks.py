"""The repository's pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit.

``pre-commit try-repo`` installs mlsd from this repository's HEAD into its own environment
(``language: python``: pip, with the dependencies from PyPI) once for the module, then runs
the hooks in a temporary git repository holding a catalogue and its README: a clean one
passes every hook, and each way of breaking it fails the hook meant to catch it. The hooks
are the committed ones (``--ref HEAD``): commit a change to the hooks file before testing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

from . import ondisk
from .conftest import ROOT

pytestmark = pytest.mark.slow
HOOKS = ("mlsd-validate", "mlsd-readme", "mlsd-dedupe")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hooks' environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def list_repo(tmp_path: Path) -> Path:
    """A git repository with a clean two-entry catalogue and its generated README."""
    repo = tmp_path / "list"
    repo.mkdir()
    git(repo, "init", "-q", ".")
    path = repo / "resources.toml"
    store.init_catalogue(path, title="Reading list")
    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("papers", "Papers"))
        for rid, url in (("a", "https://example.com/a"), ("b", "https://example.org/b")):
            catalogue.resources.append(
                Resource(id=rid, title=f"Paper {rid}", url=url, sections=["papers"])
            )
    regenerate(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a list")
    return repo


def regenerate(repo: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "export", "--format", "markdown", "-o", "README.md"],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def try_repo(repo: Path, home: Path) -> tuple[int, str]:
    """``pre-commit try-repo ROOT --ref HEAD --all-files`` in ``repo``: exit code, output."""
    head = git(ROOT, "rev-parse", "HEAD").strip()
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("MLSD_CATALOGUE", None)
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--ref", head, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, done.stdout + done.stderr


def verdicts(output: str) -> dict[str, str]:
    """{hook name's first word after 'mlsd': Passed / Failed} from pre-commit's lines."""
    out = {}
    for line in output.splitlines():
        if line.startswith("mlsd ") and line.rstrip().endswith(("Passed", "Failed")):
            out["mlsd-" + line.split()[1]] = line.rstrip().rsplit(".", 1)[-1]
    return out


def test_a_clean_list_passes_every_hook(list_repo: Path, pre_commit_home: Path) -> None:
    code, output = try_repo(list_repo, pre_commit_home)
    assert code == 0, output
    assert verdicts(output) == dict.fromkeys(HOOKS, "Passed"), output


def test_a_broken_catalogue_fails_validate(list_repo: Path, pre_commit_home: Path) -> None:
    path = list_repo / "resources.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('id = "b"', 'id = "a"'))
    code, output = try_repo(list_repo, pre_commit_home)
    assert code == 1, output
    assert verdicts(output)["mlsd-validate"] == "Failed", output
    assert "resources.toml" in output and "Traceback" not in output


def test_a_stale_readme_fails_readme_only(list_repo: Path, pre_commit_home: Path) -> None:
    with ondisk.editing(list_repo / "resources.toml") as catalogue:
        catalogue.resources.append(
            Resource(id="c", title="Paper c", url="https://example.net/c", sections=["papers"])
        )
    code, output = try_repo(list_repo, pre_commit_home)
    assert code == 1, output
    assert verdicts(output) == {
        "mlsd-validate": "Passed",
        "mlsd-readme": "Failed",
        "mlsd-dedupe": "Passed",
    }, output
    regenerate(list_repo)
    assert try_repo(list_repo, pre_commit_home)[0] == 0


def test_a_new_duplicate_fails_dedupe(list_repo: Path, pre_commit_home: Path) -> None:
    with ondisk.editing(list_repo / "resources.toml") as catalogue:
        catalogue.resources.append(
            Resource(
                id="a2", title="Paper a, again", url="http://example.com/a/", sections=["papers"]
            )
        )
    regenerate(list_repo)
    code, output = try_repo(list_repo, pre_commit_home)
    assert code == 1, output
    assert verdicts(output) == {
        "mlsd-validate": "Passed",
        "mlsd-readme": "Passed",
        "mlsd-dedupe": "Failed",
    }, output
    assert "a2" in output
