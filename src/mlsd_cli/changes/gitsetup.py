"""``mlsd init --git``: have git merge a catalogue with ``mlsd merge-driver`` (docs/merging.md).

Two settings, both idempotent: a ``.gitattributes`` line beside the catalogue naming the file
(``resources.toml merge=mlsd``), and the driver in the repository's git config
(``merge.mlsd.driver``). The attribute is committed with the repository; the config is each
clone's own, so every contributor runs ``mlsd init --git`` once.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlsd_cli.errors import CatalogueError

DRIVER_NAME = "mlsd"
DRIVER_COMMAND = "mlsd merge-driver %O %A %B"
CONFIG = (
    (f"merge.{DRIVER_NAME}.name", "mlsd catalogue merge (entry by entry)"),
    (f"merge.{DRIVER_NAME}.driver", DRIVER_COMMAND),
)


@dataclass(frozen=True)
class GitSetup:
    attributes: Path
    line: str
    #: False when the .gitattributes line was there already.
    attributes_added: bool


def attribute_line(catalogue: Path) -> str:
    return f"{catalogue.name} merge={DRIVER_NAME}"


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise CatalogueError("git is not installed", hint="install git, then run this again")
    return subprocess.run(
        [git, "-C", str(directory), *args], capture_output=True, text=True, check=False
    )


def check_repository(catalogue: Path) -> Path:
    """The catalogue's folder; CatalogueError when it is not in a git repository."""
    directory = catalogue.absolute().parent
    if not directory.is_dir() or _git(directory, "rev-parse", "--git-dir").returncode != 0:
        raise CatalogueError(
            f"{directory} is not in a git repository",
            hint=f"run git init there first (git -C {directory} init)",
        )
    return directory


def set_up_git(catalogue: Path) -> GitSetup:
    """Write the attribute line and the git config for ``catalogue``'s repository.

    Raises CatalogueError when the catalogue's folder is not in a git repository."""
    from mlsd_cli.catalogue.store import write_atomic

    directory = check_repository(catalogue)
    for key, value in CONFIG:
        done = _git(directory, "config", key, value)
        if done.returncode != 0:
            raise CatalogueError(f"git config {key} failed: {done.stderr.strip()}")
    attributes = directory / ".gitattributes"
    try:
        text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"cannot read {attributes}: {exc}") from None
    line = attribute_line(catalogue)
    if line in text.splitlines():
        return GitSetup(attributes, line, False)
    text = text if not text or text.endswith("\n") else text + "\n"
    write_atomic(attributes, (text + line + "\n").encode("utf-8"))
    return GitSetup(attributes, line, True)
