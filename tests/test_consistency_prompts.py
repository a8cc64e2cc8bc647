"""The same input at a prompt gets the same answer from every command that asks.

- end of input (Ctrl-D, an empty pipe) at a prompt: exit 1, one line
  "no answer (end of input); nothing was written", the file unchanged;
- Ctrl-C at a prompt (a real terminal, pexpect): exit 130, "interrupted; nothing was written";
- a question without a terminal to ask it on: exit 2, "... needs an answer and there is no
  terminal; <what to pass>", before anything is asked.

``edit`` asks nothing (it takes options, or opens $EDITOR), so it is not in the table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource

from . import ondisk
from .ptyhelp import interrupt

Run = Callable[..., Result]

NO_ANSWER = "mlsd: error: no answer (end of input); nothing was written\n"
INTERACTIVE = {"MLSD_INTERACTIVE": "1"}

#: command -> (its arguments, the prompt it asks first)
ASKING: dict[str, tuple[list[str], str]] = {
    "add": (["add", "--no-fetch"], "URL"),
    "remove": (["remove", "the-log"], r"Remove 'the-log'\?"),
    "tag": (["tag", "--section", "platforms", "+platform"], r"Change the tags of 4 entries\?"),
    "dedupe --merge": (["dedupe", "--merge"], r"\[m\]erge"),
}


@pytest.fixture
def catalogue(sample_catalogue: Path) -> Path:
    """The sample catalogue with a second entry for the-log (a likely duplicate)."""

    def twin(c: Catalogue) -> None:
        log = c.resources[1]
        c.resources.append(
            Resource("the-log-2", "The Log", "blog", ["streaming"], url=f"{log.url}?utm_source=x")
        )

    ondisk.change(sample_catalogue, twin)
    return sample_catalogue


@pytest.mark.parametrize("command", ASKING)
def test_end_of_input_at_a_prompt_is_exit_1_with_one_wording(
    cli: Run, catalogue: Path, command: str
) -> None:
    args, _prompt = ASKING[command]
    before = catalogue.read_bytes()
    result = cli(*args, "--catalogue", str(catalogue), input="", env=INTERACTIVE)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.endswith("\n" + NO_ANSWER), result.stderr
    assert "Traceback" not in result.stderr
    assert catalogue.read_bytes() == before


@pytest.mark.parametrize("command", ["add", "remove"])  # tag and dedupe --merge never ask --json
def test_end_of_input_with_json_prints_the_refusal_as_json(
    cli: Run, catalogue: Path, command: str
) -> None:
    import json

    args, _prompt = ASKING[command]
    result = cli(*args, "--json", "--catalogue", str(catalogue), input="", env=INTERACTIVE)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "error": "no answer (end of input); nothing was written",
        "exit_code": 1,
    }


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        ("add", "pass --title, --kind, --section, --yes"),
        ("remove", "pass --yes: mlsd remove the-log --yes"),
        ("tag", "pass --yes, or --dry-run to see what would change"),
        ("dedupe --merge", "run it in a terminal; `mlsd dedupe --json` lists the groups"),
    ],
)
def test_no_terminal_is_one_refusal(cli: Run, catalogue: Path, command: str, hint: str) -> None:
    args, _prompt = ASKING[command]
    before = catalogue.read_bytes()
    result = cli(*args, "--catalogue", str(catalogue))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert (
        line.startswith("mlsd: error: ") and " needs an answer and there is no terminal; " in line
    )
    assert hint in line and line.endswith("; or set MLSD_INTERACTIVE=1 to answer on stdin")
    assert catalogue.read_bytes() == before


@pytest.mark.slow
@pytest.mark.parametrize("command", ASKING)
def test_ctrl_c_at_a_prompt_is_exit_130(catalogue: Path, command: str) -> None:
    args, prompt = ASKING[command]
    before = catalogue.read_bytes()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100"}
    env.pop("MLSD_INTERACTIVE", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_cli", *args, "--catalogue", str(catalogue)],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    try:
        interrupt(child, prompt)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.signalstatus is None, "mlsd died of the signal instead of handling it"
    assert child.exitstatus == 130
    assert child.before.rstrip().endswith("mlsd: interrupted; nothing was written")
    assert "Traceback" not in child.before
    assert catalogue.read_bytes() == before
