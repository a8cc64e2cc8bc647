"""Commands that do not use the network never import httpx (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: Runs mlsd with the given arguments, then reports which heavy modules were imported.
WRAPPER = """
import sys
{preamble}
sys.argv = ["mlsd", *sys.argv[1:]]
from mlsd_cli.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
sys.stderr.write("\\nEXIT=" + str(code) + "\\n")
loaded = sorted(m for m in ("httpx", "httpcore", "anyio", "h11") if m in sys.modules)
sys.stderr.write("\\nNETWORK_MODULES=" + ",".join(loaded) + "\\n")
"""


def network_modules(*args: str, preamble: str = "") -> list[str]:
    """The network modules loaded by ``mlsd ARGS``, which must have worked (exit 0)."""
    process = subprocess.run(
        [sys.executable, "-c", WRAPPER.format(preamble=preamble), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    marker = [line for line in process.stderr.splitlines() if line.startswith("NETWORK_MODULES=")]
    assert marker, process.stderr
    assert "\nEXIT=0\n" in process.stderr, process.stderr
    loaded = marker[-1].removeprefix("NETWORK_MODULES=")
    return loaded.split(",") if loaded else []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["list"],
        ["search", "x"],
        ["list", "--json", "--tag", "streaming"],
        ["check", "--help"],
    ],
    ids=lambda args: " ".join(args),
)
def test_commands_without_network_never_import_httpx(
    sample_catalogue: Path, args: list[str]
) -> None:
    if args[0] != "--help" and "--help" not in args:
        args = [*args, "--catalogue", str(sample_catalogue)]
    assert network_modules(*args) == []


def test_the_probe_sees_httpx_when_it_is_imported(sample_catalogue: Path) -> None:
    loaded = network_modules("list", "--catalogue", str(sample_catalogue), preamble="import httpx")
    assert "httpx" in loaded
