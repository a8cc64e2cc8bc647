"""What every command owes its users: help with examples, clean errors, python -m."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.cli import COMMANDS

Run = Callable[..., Result]


@pytest.mark.parametrize("name", [name for _module, name in COMMANDS])
def test_every_command_has_help_with_examples(cli: Run, name: str) -> None:
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert f"Usage: mlsd {name}" in result.stdout
    assert "Examples" in result.stdout, f"mlsd {name} --help shows no examples"
    assert f"mlsd {name}" in result.stdout.split("Examples", 1)[1]


def test_root_help_and_version(cli: Run) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for _module, name in COMMANDS:
        assert name in result.stdout
    version = cli("--version")
    assert version.exit_code == 0 and version.stdout.startswith("mlsd ")


def test_python_dash_m_works(sample_catalogue: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "list", "-c", str(sample_catalogue)],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ubers-michelangelo" in proc.stdout


def test_bad_catalogue_is_one_line_exit_2(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "resources.toml"
    bad.write_bytes(b'[catalogue]\ntitle = "x\n')
    result = cli("list", "-c", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mlsd: error: {bad}:2:")
    assert "Traceback" not in result.stderr


def test_missing_catalogue_option(cli: Run, tmp_path: Path) -> None:
    result = cli("list", "-c", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "mlsd init" in result.stderr


def test_unknown_option_is_usage_error(cli: Run, sample_catalogue: Path) -> None:
    result = cli("list", "--colour", "-c", str(sample_catalogue))
    assert result.exit_code == 2


def test_init_creates_and_refuses_overwrite(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    result = cli("init", str(path), "--title", "Mine")
    assert result.exit_code == 0, result.stderr
    assert 'title = "Mine"' in path.read_text(encoding="utf-8")
    before = path.read_bytes()
    again = cli("init", str(path))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert path.read_bytes() == before


def test_env_var_selects_catalogue(cli: Run, sample_catalogue: Path) -> None:
    result = cli("list", "--json", env={"MLSD_CATALOGUE": str(sample_catalogue)})
    assert result.exit_code == 0
    assert '"ubers-michelangelo"' in result.stdout


def test_installed_mlsd_works_from_any_directory(tmp_path: Path) -> None:
    """No resources.toml around: the shipped catalogue answers, read-only."""
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", "list", "--count"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) > 50
