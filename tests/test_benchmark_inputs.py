"""The benchmarks' inputs agree with the scripts that build them, and those scripts still run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from dedupe_candidates import import_list  # noqa: E402
from dedupe_candidates import run_mlsd  # noqa: E402

LIST = ROOT / "tests" / "data" / "lists" / "awesome_mlops.md"


@pytest.mark.slow  # 36 mlsd processes (init, import, export of 12 catalogues): ~13 s alone
def test_search_eval_set_is_what_the_builder_makes() -> None:
    """The committed set is what build_set.py makes of the lists with today's importer (the
    copies kept in tests/data/, byte for byte those of shared/). When an importer change moves
    it, regenerate it with the builder and rerun the eval."""
    env = {**os.environ, "MLSD_SHARED": str(ROOT / "tests" / "data")}
    script = ROOT / "benchmarks" / "search_eval" / "build_set.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        f"{proc.stdout}{proc.stderr}\nregenerate: python benchmarks/search_eval/build_set.py"
    )
    assert "up to date" in proc.stdout


def test_candidates_accept_an_import_that_leaves_items_out(tmp_path: Path) -> None:
    """Importing a list twice leaves every item out the second time (exit 1, findings): the
    candidate generator takes that report and goes on."""
    catalogue = str(tmp_path / "merged.toml")
    run_mlsd(["init", catalogue])
    first = import_list(LIST, catalogue)
    assert first["added"]
    second = import_list(LIST, catalogue)
    assert second["added"] == []
    assert len(second["skipped"]) == len(first["added"])


def test_candidates_stop_on_bad_data(tmp_path: Path) -> None:
    """Exit 2 (a list that cannot be read) stops the generator, naming the command and status."""
    catalogue = str(tmp_path / "merged.toml")
    run_mlsd(["init", catalogue])
    bad = tmp_path / "list.md"
    bad.write_bytes(b"# A list\n\n- [x](https://example.com/\xff)\n")
    with pytest.raises(SystemExit, match=r"mlsd import .* failed \(2\)"):
        import_list(bad, catalogue)
