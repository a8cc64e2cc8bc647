"""mlsd imports nothing at run time that ``pip install mlsd`` does not install.

Two guards, because a test-only package (tomli-w once, imported by ``mlsd edit --editor``) is
always present in the test environment and so hides the crash a user gets:

- a static one: every ``import`` / ``from ... import`` in every module of the package (inside
  functions too) names the standard library, mlsd_cli itself, or a distribution listed in
  pyproject's ``[project].dependencies``;
- a dynamic one: the CLI run as real processes under an import hook that refuses every
  top-level module outside the standard library and the runtime dependency closure (the
  declared dependencies and, recursively, their own requirements), as if the test extras were
  not installed.

Imports under ``if TYPE_CHECKING:`` never run, but they count here: they are held to the same
rule, so that type hints never need a package the user does not have.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement  # pytest's own dependency

from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import html_page

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "mlsd_cli"


def _normalize(name: str) -> str:
    """A distribution name in PEP 503 normal form (Markdown_It-Py -> markdown-it-py)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_dependencies() -> set[str]:
    """The distributions of pyproject's [project].dependencies, normalised."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normalize(Requirement(spec).name) for spec in project["dependencies"]}


def runtime_closure() -> set[str]:
    """The declared dependencies and, recursively, what they require (extras and markers that
    do not hold here left out): what ``pip install mlsd`` installs on this interpreter."""
    closure: set[str] = set()
    todo = sorted(declared_dependencies())
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_normalize(requirement.name))
    return closure


def import_names(distributions: set[str]) -> set[str]:
    """The top-level import names the given distributions provide."""
    return {
        top
        for top, dists in metadata.packages_distributions().items()
        if any(_normalize(d) in distributions for d in dists)
    }


def imports_of(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every absolute import in a module, wherever it is."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.partition(".")[0]


def test_every_import_is_stdlib_mlsd_or_a_declared_dependency() -> None:
    allowed = set(sys.stdlib_module_names) | {"mlsd_cli"} | import_names(declared_dependencies())
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 40  # the walk really sees the package
    found: set[str] = set()
    offending = []
    for path in modules:
        for line, top in imports_of(ast.parse(path.read_text(encoding="utf-8"))):
            found.add(top)
            if top not in allowed:
                offending.append(f"{path.relative_to(ROOT)}:{line}: {top}")
    assert not offending, "imports outside [project].dependencies:\n" + "\n".join(offending)
    # Imports inside functions are seen too (the CLI imports its heavy modules lazily).
    assert {"typer", "rich", "httpx", "rapidfuzz", "filelock", "tomli"} <= found


def test_the_walk_sees_imports_in_functions_and_under_type_checking() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import hidden_typing\n"
        "def f():\n    import tomli_w\n    from pexpect.pty import spawn\n"
        "from . import sibling\n"
    )
    assert [top for _, top in imports_of(ast.parse(source))] == [
        "typing",
        "hidden_typing",
        "tomli_w",
        "pexpect",
    ]


def test_test_only_packages_are_outside_the_runtime_closure() -> None:
    closure = runtime_closure()
    assert {"typer", "rich", "httpx", "pygments", "mdurl"} <= closure
    assert not {"tomli-w", "pytest", "hypothesis", "pexpect"} & closure


# --------------------------------------------------------------------------- the smoke run

#: Runs ``python -m mlsd_cli ARGS`` with an import hook that refuses what a plain install lacks.
BOOTSTRAP = """
import json, os, runpy, sys
from importlib.abc import MetaPathFinder

ALLOWED = frozenset(json.loads(os.environ["MLSD_TEST_ALLOWED_MODULES"]))

class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in ALLOWED:
            raise ModuleNotFoundError(
                f"No module named {name!r} (not installed by `pip install mlsd`)", name=name
            )
        return None

sys.meta_path.insert(0, NotInstalled())
sys.argv = ["mlsd", *sys.argv[1:]]
runpy.run_module("mlsd_cli", run_name="__main__", alter_sys=True)
"""

EDITOR = """\
import pathlib, sys
path = pathlib.Path(sys.argv[1])
path.write_text(path.read_text(encoding="utf-8").replace("year = 2017", "year = 2018"),
                encoding="utf-8")
"""

IMPORTED_LIST = """\
# Reading list

## Feature stores

- [Feast docs]({url}/feast) - an open-source feature store.
"""


def catalogue_text(base: str) -> str:
    return (
        '[catalogue]\nformat = 1\ntitle = "Smoke"\n\n'
        '[[sections]]\nid = "platforms"\ntitle = "ML platforms"\n\n'
        '[[resources]]\nid = "michelangelo"\ntitle = "Meet Michelangelo"\n'
        f'url = "{base}/michelangelo"\nkind = "blog"\nsections = ["platforms"]\n'
        'org = "Uber"\nyear = 2017\ntags = ["ml-platform"]\n\n'
        '[[resources]]\nid = "the-log"\ntitle = "The Log"\n'
        f'url = "{base}/the-log"\nkind = "blog"\nsections = ["platforms"]\n'
        'authors = ["Jay Kreps"]\nyear = 2013\n'
    )


@pytest.fixture
def smoke_env(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path, str]]:
    """(environment for the processes, the catalogue, the local server's base URL)."""
    allowed = set(sys.stdlib_module_names) | {"mlsd_cli"} | import_names(runtime_closure())
    editor = tmp_path / "editor.py"
    editor.write_text(f"#!{sys.executable}\n{EDITOR}", encoding="utf-8")
    editor.chmod(0o755)
    src = Path(__import__("mlsd_cli").__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "MLSD_TEST_ALLOWED_MODULES": json.dumps(sorted(allowed)),
        "EDITOR": str(editor),
        "VISUAL": "",
        "TMPDIR": str(tmp_path),
    }
    with TestServer() as server:
        for path in ("/michelangelo", "/the-log", "/feast", "/new"):
            server.route(path, Reply(200, html_page(title=path.strip("/").title())))
        base = server.url("").rstrip("/")
        catalogue = tmp_path / "resources.toml"
        catalogue.write_text(catalogue_text(base), encoding="utf-8")
        yield env, catalogue, base


def run_plain(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BOOTSTRAP, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_the_cli_runs_without_the_test_extras(
    smoke_env: tuple[dict[str, str], Path, str], tmp_path: Path
) -> None:
    env, catalogue, base = smoke_env
    cat = ["--catalogue", str(catalogue)]
    listing = tmp_path / "list.md"
    listing.write_text(IMPORTED_LIST.format(url=base), encoding="utf-8")
    runs = [
        ["--help"],
        ["--version"],
        ["list", *cat],
        ["search", "michelangelo", *cat],
        ["show", "michelangelo", *cat],
        *(
            ["export", "--format", fmt, "--output", str(tmp_path / f"out.{fmt}"), *cat]
            for fmt in ("markdown", "json", "csv", "bibtex", "html")
        ),
        [
            "add",
            f"{base}/new",
            "--title",
            "A new one",
            "--kind",
            "blog",
            "--section",
            "platforms",
            "--no-fetch",
            "--yes",
            *cat,
        ],
        ["edit", "michelangelo", "--editor", *cat],
        ["tag", "the-log", "+streaming", "--yes", *cat],
        ["remove", "a-new-one", "--yes", *cat],
        ["dedupe", *cat],
        ["import", str(listing), *cat],
        ["check", *cat],
    ]
    for args in runs:
        done = run_plain(env, *args)
        shown = " ".join(args[: args.index("--catalogue")] if "--catalogue" in args else args)
        assert done.returncode == 0, f"mlsd {shown} -> {done.returncode}\n{done.stderr}"
        assert "Traceback" not in done.stderr, f"mlsd {shown}\n{done.stderr}"
    text = catalogue.read_text(encoding="utf-8")
    assert "year = 2018" in text  # the editor's change was saved
    assert '"streaming"' in text
    assert "a-new-one" not in text
    assert "Feast docs" in text


def test_the_hook_refuses_a_test_only_package(
    smoke_env: tuple[dict[str, str], Path, str],
) -> None:
    """The guard itself: under the hook, a package of the test extras cannot be imported."""
    env, _, _ = smoke_env
    done = subprocess.run(
        [sys.executable, "-c", BOOTSTRAP.replace("runpy.run_module", "import tomli_w #"), "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "No module named 'tomli_w' (not installed by `pip install mlsd`)" in done.stderr
