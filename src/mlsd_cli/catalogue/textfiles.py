"""Reading text files the way every mlsd command should: UTF-8 or a located one-line error."""

from __future__ import annotations

from pathlib import Path

from mlsd_cli.errors import MlsdError


def utf8_error_place(data: bytes, exc: UnicodeDecodeError) -> tuple[int, int, str]:
    """(line, column, "0x..") of the first byte that is not UTF-8."""
    line = data[: exc.start].count(b"\n") + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return line, column, f"0x{data[exc.start]:02x}"


def read_utf8(
    path: Path,
    error: type[MlsdError],
    *,
    not_found_hint: str = "check the path",
    utf8_hint: str = "save it as UTF-8",
    missing_ok: bool = False,
) -> str | None:
    """The text of ``path``; None when it does not exist and ``missing_ok``.

    Every other problem raises ``error`` with one line naming the file (and line:column for a
    byte that is not UTF-8) and what to do.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise error(f"{path}: no such file", hint=not_found_hint) from None
    except IsADirectoryError:
        raise error(f"{path} is a directory", hint="give a file name") from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column, byte = utf8_error_place(data, exc)
        raise error(
            f"{path}:{line}:{column}: invalid UTF-8 (byte {byte})", hint=utf8_hint
        ) from None
