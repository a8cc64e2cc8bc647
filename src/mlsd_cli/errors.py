"""Exit codes and the one error tree of mlsd.

The library raises these; only the CLI layer turns them into a message and an exit code.

An error about one value names the *field* it belongs to, never a command-line flag: the core
does not know which command (or prompt) the value came from. Raise, for example::

    InputError("unknown kind 'pdf'", field="kind", choices=KINDS)

- ``field`` is the name of the value's field as the core knows it (``"kind"``, ``"sections"``,
  ``"since"``, ``"concurrency"``...): the name of the function parameter or dataclass field that
  carried it. The CLI turns it into the option of the command that was run (``cli/common.py``,
  ``FIELD_OPTIONS``) and shows ``--kind: unknown kind 'pdf'; ...``; at a prompt the message is
  shown as it is.
- ``choices`` are the valid values, when there is a short list of them; without a ``hint`` the
  hint becomes "use one of a, b, c".
- The message itself says what is wrong with the value, without the flag or field name in front.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any


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

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        field: str | None = None,
        choices: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        #: The field the wrong value belongs to (see the module docstring), or None.
        self.field = field
        #: The valid values, when they are few.
        self.choices = tuple(choices)
        if hint is None and self.choices:
            hint = f"use one of {', '.join(self.choices)}"
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}; {self.hint}"
        return self.message

    def details(self) -> list[str]:
        """Further lines to show under the one-line message (candidates, say)."""
        return []

    def json_details(self) -> dict[str, Any] | None:
        """What a ``--json`` run prints on stdout besides the error (None: nothing)."""
        return None


class CatalogueError(MlsdError):
    """The catalogue file cannot be read: bad TOML, bad encoding, invalid fields.

    ``location`` is ``file:line`` (or ``file:line:column``) when known.
    """

    def __init__(
        self,
        message: str,
        *,
        location: str | None = None,
        hint: str | None = None,
        field: str | None = None,
    ):
        super().__init__(message, hint=hint, field=field)
        self.location = location

    def __str__(self) -> str:
        text = super().__str__()
        return f"{self.location}: {text}" if self.location else text


class ReadOnlyCatalogueError(MlsdError):
    """A command tried to write to the catalogue shipped inside the package."""


class NotFoundError(MlsdError):
    """An id or title names no resource (or names several: ``candidates`` lists them)."""

    def __init__(
        self,
        message: str,
        *,
        candidates: list[str] | None = None,
        hint: str | None = None,
        field: str | None = None,
    ):
        super().__init__(message, hint=hint, field=field)
        self.candidates = candidates or []

    def details(self) -> list[str]:
        return list(self.candidates)

    def json_details(self) -> dict[str, Any] | None:
        return {"candidates": list(self.candidates)} if self.candidates else None


class InputError(MlsdError):
    """A value given on the command line or at a prompt is not acceptable."""


class MissingFieldsError(InputError):
    """Required fields were not given: ``fields`` names them (the CLI adds its flags)."""

    def __init__(self, fields: Sequence[str], *, hint: str | None = None) -> None:
        super().__init__(f"missing {and_list(fields)}", hint=hint)
        self.fields = tuple(fields)


def and_list(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


class ImportFileError(MlsdError):
    """A file given to ``mlsd import`` cannot be read."""


class AbortedError(MlsdError):
    """The user gave no answer where one was needed (end of input); nothing was written.
    Exit 1. (Ctrl-C is KeyboardInterrupt, exit 130; a "no" is an answer, exit 0: the CLI's
    ``prompts.Declined``.)"""

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
