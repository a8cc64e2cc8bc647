"""Shell completion of values (issue 14): entry ids (titles as help), section ids and titles,
tags, kinds and export formats, for bash, zsh and fish. Each test runs mlsd as the shell's
completion script does: a real process, the script's variables, nothing but the catalogue read
(no network: the catalogue's URLs are never fetched)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.formats.export import FORMATS

from . import ondisk
from .conftest import ROOT


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_MLSD", "COMP_", "_TYPER"))}
    env.pop("MLSD_CATALOGUE", None)
    env["PYTHONPATH"] = str(ROOT / "src")
    return {**env, **extra}


def _complete(shell: str, line: str, cwd: Path, **extra: str) -> list[str]:
    """What mlsd answers the ``shell`` completion script for the command line ``line`` (the
    cursor at its end), run from ``cwd``."""
    if shell == "bash":  # the words so far, and the index of the one being completed
        words = line.split()
        cword = len(words) if line.endswith(" ") else len(words) - 1
        extra |= {"COMP_WORDS": line, "COMP_CWORD": str(cword)}
    else:  # zsh and fish hand over the whole line
        extra |= {"_TYPER_COMPLETE_ARGS": line}
        if shell == "fish":
            extra |= {"_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    done = subprocess.run(
        [sys.executable, "-m", "mlsd_cli"],
        env=_env(_MLSD_COMPLETE=f"complete_{shell}", **extra),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line for line in done.stdout.splitlines() if line]  # bash: "\n" is no value


def test_the_instruction_is_the_one_the_installed_script_sends(tmp_path: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        script = subprocess.run(
            [sys.executable, "-m", "mlsd_cli", "--show-completion", shell],
            env=_env(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        assert f"_MLSD_COMPLETE=complete_{shell}" in script


@pytest.mark.parametrize("where", ["before", "after"])
def test_bash_completes_entry_ids_of_the_catalogue_named_on_the_line(
    sample_catalogue: Path, tmp_path: Path, where: str
) -> None:
    ids = [r.id for r in store.load(sample_catalogue).resources]
    c = f"-c {sample_catalogue}"
    for command in ("show", "open", "edit", "remove", "tag"):
        line = f"mlsd {c} {command} " if where == "before" else f"mlsd {command} {c} "
        assert _complete("bash", line, tmp_path) == ids
    line = f"mlsd {c} show ub" if where == "before" else f"mlsd show {c} ub"
    assert _complete("bash", line, tmp_path) == ["ubers-michelangelo"]


def test_the_catalogue_found_from_the_current_folder_is_used(sample_catalogue: Path) -> None:
    assert _complete("bash", "mlsd show th", sample_catalogue.parent) == ["the-log"]


def test_zsh_and_fish_show_the_title_beside_the_id(sample_catalogue: Path) -> None:
    c = f"-c {sample_catalogue}"
    zsh = _complete("zsh", f"mlsd {c} show th", sample_catalogue.parent)
    assert zsh[0].startswith('_arguments \'*: :(("the-log":"The Log\\\\: What every')
    fish = _complete("fish", f"mlsd {c} show th", sample_catalogue.parent)
    assert fish[0].startswith("the-log\tThe Log: What every software engineer")
    assert len(fish) == 1 and len(fish[0]) <= len("the-log\t") + 60  # the title shortened


def test_sections_tags_kinds_and_formats(sample_catalogue: Path, tmp_path: Path) -> None:
    cat = store.load(sample_catalogue)
    c = f"-c {sample_catalogue}"
    sections = [s.id for s in cat.sections]
    tags = sorted({t for r in cat.resources for t in r.tags})
    assert _complete("bash", f"mlsd list {c} --section ", tmp_path) == sections
    assert _complete("bash", f"mlsd {c} section rename ", tmp_path) == sections
    assert _complete("bash", f"mlsd {c} section move streaming --parent ", tmp_path) == sections
    assert _complete("bash", f"mlsd {c} add URL --section ", tmp_path) == sections
    assert _complete("bash", f"mlsd {c} list --tag ", tmp_path) == tags
    assert _complete("bash", f"mlsd {c} edit the-log --add-tag ", tmp_path) == tags
    assert _complete("bash", f"mlsd {c} tag the-log ", tmp_path) == [f"+{t}" for t in tags]
    assert _complete("bash", f"mlsd {c} tag the-log +st", tmp_path) == [
        f"+{t}" for t in tags if t.startswith("st")
    ]
    assert _complete("bash", "mlsd list --kind ", tmp_path) == list(KINDS)
    assert _complete("bash", "mlsd search --kind pa", tmp_path) == ["paper"]
    assert _complete("bash", "mlsd export --format ", tmp_path) == list(FORMATS)
    assert _complete("bash", "mlsd export -f h", tmp_path) == ["html"]


def test_a_section_title_completes_where_the_word_starts_one(
    sample_catalogue: Path, tmp_path: Path
) -> None:
    zsh = _complete("zsh", f"mlsd -c {sample_catalogue} list --section Stream", tmp_path)
    assert '"Streaming systems":"streaming"' in zsh[0] + "".join(zsh[1:])


def test_no_catalogue_completes_nothing_and_says_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    assert _complete("bash", f"mlsd -c {missing} show ", tmp_path) == []
    broken = tmp_path / "broken.toml"
    broken.write_text("[[resources]\n", encoding="utf-8")
    assert _complete("bash", f"mlsd -c {broken} list --tag ", tmp_path) == []


def test_markup_in_a_title_is_shown_as_written(sample_catalogue: Path, tmp_path: Path) -> None:
    """Typer renders help through rich: a title's "[bold]" is text, not a style."""
    with ondisk.editing(sample_catalogue) as cat:
        cat.resources[1].title = "The [bold]Log[/bold] [red]"
    fish = _complete("fish", f"mlsd -c {sample_catalogue} show the", tmp_path)
    assert fish == ["the-log\tThe [bold]Log[/bold] [red]"]


@pytest.mark.slow
def test_tab_in_a_real_bash(sample_catalogue: Path, tmp_path: Path) -> None:
    """The installed script, in an interactive bash on a pseudo-terminal: Tab after
    ``mlsd show ub`` completes the entry id."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "mlsd"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m mlsd_cli "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    script = tmp_path / "mlsd.bash"
    script.write_text(
        subprocess.run(
            [str(wrapper), "--show-completion", "bash"],
            env=_env(_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"),
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout,
        encoding="utf-8",
    )
    env = _env(PATH=f"{bin_dir}:{os.environ['PATH']}", PS1="$ ", TERM="dumb")
    bash = pexpect.spawn(
        "bash", ["--norc", "--noprofile", "-i"], env=env, cwd=str(tmp_path),
        encoding="utf-8", timeout=30, dimensions=(24, 200),
    )  # fmt: skip
    try:
        bash.expect_exact("$ ")
        bash.sendline(f"source {script}")
        bash.expect_exact("$ ")
        bash.send(f"mlsd -c {sample_catalogue} show ub\t")
        bash.expect_exact("ubers-michelangelo")
        bash.sendline("")  # run it: the completed line is a valid command
        bash.expect_exact("Michelangelo")
        bash.expect_exact("$ ")
    finally:
        bash.close(force=True)
