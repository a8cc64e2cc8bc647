"""Every question mlsd asks, and one rule for the answers.

- **Who may be asked**: a terminal on stdin, or anyone when ``MLSD_INTERACTIVE=1`` (answers
  piped on stdin, tests). Otherwise a command never waits for input: it calls
  :func:`require_terminal`, the one "needs an answer and there is no terminal" refusal (exit 2,
  with the option that does without the question).
- **End of input** at any prompt (Ctrl-D, a closed pipe) is :class:`NoAnswerError`: one line,
  "no answer (end of input); nothing was written", exit 1.
- **Ctrl-C** at any prompt raises ``KeyboardInterrupt``: ``handle_errors`` exits 130, saying
  whether anything was written.
- **Declining** a confirmation is an answer, not an error: :class:`Declined`, which
  ``handle_errors`` prints as a plain line on stderr ("not added; nothing was written", each
  command saying what it did not do), exit 0 (1 if the command had findings already).

Questions and notes go to stderr, so that stdout keeps only the command's result. On a terminal
the line is read with ``input()`` (line editing, and Tab completion of ``words``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from mlsd_cli.errors import AbortedError
from mlsd_cli.errors import InputError

T = TypeVar("T")


class Declined(Exception):
    """The user said no: nothing is written, and that is what they asked for. The message says
    what was not done, as "not VERBed; nothing was written"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoAnswerError(AbortedError):
    """End of input where an answer was expected (exit 1, nothing written)."""

    def __init__(self) -> None:
        super().__init__("no answer (end of input); nothing was written")


def interactive() -> bool:
    """May we prompt? Yes on a terminal; elsewhere only when MLSD_INTERACTIVE=1 asks for it
    (answers piped on stdin, tests). Otherwise a command never waits for input."""
    return sys.stdin.isatty() or os.environ.get("MLSD_INTERACTIVE") == "1"


def require_terminal(action: str, *, hint: str) -> None:
    """Refuse, before anything is asked or written, when ``action`` needs answers no one can
    give: ``action`` names what needs them, ``hint`` the option that does without."""
    if not interactive():
        raise InputError(
            f"{action} needs an answer and there is no terminal",
            hint=f"{hint}; or set MLSD_INTERACTIVE=1 to answer on stdin",
        )


def say(text: str = "") -> None:
    """A line for the person answering (stderr)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


@contextmanager
def _completion(words: list[str]) -> Iterator[None]:
    """Tab completion of ``words`` (after the last comma) for the next ``input()``."""
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        yield
        return
    old_completer = readline.get_completer()
    old_delims = readline.get_completer_delims()

    def complete(text: str, state: int) -> str | None:
        stripped = text.lstrip()
        lead = text[: len(text) - len(stripped)]
        folded = stripped.casefold()
        options = [lead + w for w in words if w.casefold().startswith(folded)]
        return options[state] if state < len(options) else None

    readline.set_completer(complete if words else None)
    readline.set_completer_delims(",")
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(old_completer)
        readline.set_completer_delims(old_delims)


def read_line(prompt: str, words: list[str] | None = None) -> str:
    """One line from the user. End of input raises NoAnswerError; Ctrl-C KeyboardInterrupt."""
    try:
        if sys.stdin.isatty() and sys.stdout.isatty():
            with _completion(words or []):
                return input(prompt)
        sys.stderr.write(prompt)
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        if not sys.stdin.isatty():  # the answer was not echoed: end the question's line
            sys.stderr.write("\n")
        return line.rstrip("\r\n")
    except EOFError:
        sys.stderr.write("\n")
        raise NoAnswerError from None
    except KeyboardInterrupt:  # the cursor is after the question: "interrupted" on its own line
        sys.stderr.write("\n")
        raise


class Pager:
    """A long list shown a page at a time beside a question (:func:`ask`'s ``pager``): the
    first page before the question, the next each time Enter is pressed on it."""

    def __init__(self, lines: list[str], size: int | None = None) -> None:
        self.lines = lines
        self.size = size or page_size()
        self.shown = 0

    @property
    def left(self) -> int:
        return len(self.lines) - self.shown

    def next_page(self) -> None:
        for line in self.lines[self.shown : self.shown + self.size]:
            say(line)
        self.shown = min(len(self.lines), self.shown + self.size)


def page_size() -> int:
    """How many lines of a list fit on the terminal with the question under them."""
    import shutil

    return max(5, shutil.get_terminal_size((80, 24)).lines - 4)


def _whole(text: str) -> str:
    """A default as the prompt shows it: whole, on one line."""
    return " ".join(text.split())


def ask(
    question: str,
    parse: Callable[[str], T],
    *,
    default: str | None = None,
    words: list[str] | None = None,
    clearable: bool = True,
    pager: Pager | None = None,
) -> T:
    """Ask until ``parse`` accepts the answer (its InputError is shown, and asked again).
    Enter takes the default; "-" empties it when ``clearable``. With a ``pager`` (and no
    default), its first page is shown first, and Enter shows the next while some are left."""
    shown = f" [{_whole(default)}]" if default else ""
    tip = " (- for none)" if default and clearable else ""
    if pager is not None and not pager.shown:
        pager.next_page()
    while True:
        left = pager.left if pager is not None else 0
        more = f" (Enter: {left} more)" if left else ""
        answer = read_line(f"{question}{more}{shown}{tip}: ", words).strip()
        if not answer and pager is not None and left:
            pager.next_page()
            continue
        if not answer and default:
            answer = default
        elif answer == "-" and clearable:
            answer = ""
        try:
            return parse(answer)
        except InputError as exc:
            say(f"  {exc}")


def yes_no(question: str, *, default: bool) -> bool:
    """A y/n answer; Enter takes ``default``."""
    choices = "[Y/n]" if default else "[y/N]"
    while True:
        answer = read_line(f"{question} {choices}: ").strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        say("  answer y or n")


def confirm(question: str, *, declined: str, default: bool = False) -> None:
    """Ask ``question``; a "no" raises :class:`Declined` (``declined``: a plain line, exit 0,
    nothing written)."""
    if not yes_no(question, default=default):
        raise Declined(declined)


def choose(question: str, choices: str, *, default: str) -> str:
    """One letter of ``choices`` (the first letter of the answer); Enter takes ``default``."""

    def parse(text: str) -> str:
        letter = text.strip().lower()[:1]
        if letter not in choices:
            raise InputError(f"answer {', '.join(choices[:-1])} or {choices[-1]}")
        return letter

    return ask(question, parse, default=default, clearable=False)


def numbers(question: str, count: int, *, default: str) -> list[int]:
    """Numbers from 1 to ``count`` (spaces or commas between), without repeats."""

    def parse(text: str) -> list[int]:
        words = text.replace(",", " ").split()
        if not words or not all(w.isdigit() and 1 <= int(w) <= count for w in words):
            raise InputError(f"answer with numbers from 1 to {count}")
        return list(dict.fromkeys(int(w) for w in words))

    return ask(question, parse, default=default, clearable=False)
