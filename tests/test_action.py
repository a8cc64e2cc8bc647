"""action.yml, the composite GitHub Action: its shell steps run here as a runner runs them.

A runner substitutes the ``${{ ... }}`` expressions, skips the steps whose ``if`` is false and
runs each ``run`` script with bash, in the checked-out repository. The test does the same
(the setup-python and install steps aside: mlsd is installed already) on a throw-away list,
in both modes: a pull request (validate, README check, dedupe) and the scheduled link check,
whose report reaches ``$GITHUB_STEP_SUMMARY`` and the ``report`` output.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

from . import ondisk
from .conftest import ROOT
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def evaluate(expression: str, inputs: dict[str, str], github: dict[str, str]) -> Any:
    """The few expression forms action.yml uses: inputs.X, github.X, ==, !=, &&, literals."""
    text = re.sub(
        r"\b(inputs|github)\.([\w-]+)",
        lambda m: repr((inputs if m[1] == "inputs" else github)[m[2]]),
        expression,
    )
    python = text.replace("&&", " and ").replace("||", " or ")
    return eval(python, {"__builtins__": {}})  # only the action's own expressions


def run_action(workdir: Path, tmp: Path, **given: str) -> tuple[int, list[str]]:
    """Run the action's shell steps in ``workdir``: (exit code of the first failing step or 0,
    names of the steps run)."""
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    github = {"action_path": str(ROOT)}
    env_base = {
        **os.environ,
        "GITHUB_OUTPUT": str(tmp / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "RUNNER_TEMP": str(tmp),
    }
    env_base.pop("MLSD_CATALOGUE", None)
    ran = []
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or step["name"] == "Install mlsd":
            continue
        if "if" in step and not evaluate(step["if"], inputs, github):
            continue
        sub = {
            k: EXPRESSION.sub(lambda m: str(evaluate(m[1], inputs, github)), v)
            for k, v in step.get("env", {}).items()
        }
        script = EXPRESSION.sub(lambda m: str(evaluate(m[1], inputs, github)), step["run"])
        ran.append(step["name"])
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=workdir,
            env={**env_base, **sub},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            return done.returncode, ran
    return 0, ran


def make_list(root: Path, urls: dict[str, str]) -> Path:
    path = root / "resources.toml"
    store.init_catalogue(path, title="Reading list")
    with ondisk.editing(path) as catalogue:
        catalogue.sections.append(Section("papers", "Papers"))
        for rid, url in urls.items():
            catalogue.resources.append(
                Resource(id=rid, title=f"Paper {rid}", url=url, sections=["papers"])
            )
    subprocess.run(
        ["mlsd", "export", "--format", "markdown", "-o", "README.md"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return path


def outputs(tmp: Path) -> dict[str, str]:
    lines = (tmp / "output").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_pull_request_mode_passes_a_clean_list(tmp_path: Path) -> None:
    make_list(tmp_path, {"a": "https://example.com/a", "b": "https://example.org/b"})
    code, ran = run_action(tmp_path, tmp_path)
    assert code == 0
    assert ran == ["Validate the catalogue", "README in sync", "No new duplicates"]


def test_pull_request_mode_fails_on_a_stale_readme_or_a_duplicate(tmp_path: Path) -> None:
    path = make_list(tmp_path, {"a": "https://example.com/a", "b": "https://example.org/b"})
    with ondisk.editing(path) as catalogue:
        catalogue.resources.append(
            Resource(id="a2", title="Paper a2", url="http://example.com/a/", sections=["papers"])
        )
    code, ran = run_action(tmp_path, tmp_path)
    assert (code, ran[-1]) == (1, "README in sync")
    code, ran = run_action(tmp_path, tmp_path, readme="")
    assert (code, ran) == (1, ["Validate the catalogue", "No new duplicates"])


def test_the_readme_check_takes_the_feed_the_readme_links(tmp_path: Path) -> None:
    make_list(tmp_path, {"a": "https://example.com/a"})
    subprocess.run(
        ["mlsd", "export", "--format", "markdown", "-o", "README.md", "--feed", "feed.xml"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    assert run_action(tmp_path, tmp_path, feed="feed.xml")[0] == 0
    code, ran = run_action(tmp_path, tmp_path)  # told of no feed: the README's link is stale
    assert (code, ran[-1]) == (1, "README in sync")


def test_links_mode_posts_the_report(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/ok", Reply(200))
    http_server.route("/gone", Reply(404))
    make_list(tmp_path, {"fine": http_server.url("/ok"), "gone": http_server.url("/gone")})
    args = "--dead-after 1 --retries 0 --backoff 0 --host-delay 0"
    code, ran = run_action(tmp_path, tmp_path, mode="links", **{"check-args": args})
    assert (code, ran) == (1, ["Check the links"])  # a dead link fails the job
    report = Path(outputs(tmp_path)["report"])
    text = report.read_text(encoding="utf-8")
    assert "**1 dead link**" in text and http_server.url("/gone") in text
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == text
