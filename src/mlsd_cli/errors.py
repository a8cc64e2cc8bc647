"""Exit codes and the one error tree of mlsd.

The library raises these; only the CLI layer turns them into a message and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses, the same for every command."""

    OK = 0
    #: Findings: dead links, duplicates, a stale README. The command worked.
    FINDINGS = 1
    #: A user mistake or bad data. Nothing was written.
    USAGE = 2


class MlsdError(Exception):
    """Base of every error mlsd reports to a user as one line (exit 2, nothing written)."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}; {self.hint}"
        return self.message


class CatalogueError(MlsdError):
    """The catalogue file cannot be read: bad TOML, bad encoding, invalid fields.

    ``location`` is ``file:line`` (or ``file:line:column``) when known.
    """

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.location = location

    def __str__(self) -> str:
        text = super().__str__()
        return f"{self.location}: {text}" if self.location else text


class ReadOnlyCatalogueError(MlsdError):
    """A command tried to write to the catalogue shipped inside the package."""


class NotFoundError(MlsdError):
    """An id or title names no resource (or names several: ``candidates`` lists them)."""

    def __init__(
        self, message: str, *, candidates: list[str] | None = None, hint: str | None = None
    ):
        super().__init__(message, hint=hint)
        self.candidates = candidates or []


class InputError(MlsdError):
    """A value given on the command line or at a prompt is not acceptable."""


class ImportFileError(MlsdError):
    """A file given to ``mlsd import`` cannot be read."""


class AbortedError(MlsdError):
    """The user declined a confirmation or interrupted a prompt; nothing was written."""

    exit_code = ExitCode.FINDINGS


class StaleError(MlsdError):
    """An entry a write was planned on changed (or went) on disk before the write could be
    saved. Exit 2, nothing written: run the command again on the catalogue as it is now."""

    def __init__(self, entry_id: str, *, removed: bool = False) -> None:
        how = "removed" if removed else "changed"
        super().__init__(
            f"'{entry_id}' was {how} by another command meanwhile; nothing was written",
            hint="run the command again",
        )
        self.entry_id = entry_id
