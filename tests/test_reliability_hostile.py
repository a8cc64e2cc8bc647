"""Issue 12: hostile strings, hostile pages and slow servers; parser differentials in URLs.

No control character from the data reaches the output; a catalogue holding one is refused
with one line naming the field; a page full of them adds a clean entry; a server that sends
its headers one byte at a time cannot hang ``mlsd add`` or ``mlsd check``.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.formats.csv_export import guard
from mlsd_cli.web.metadata import decode_html
from mlsd_cli.web.metadata import parse_html_metadata

from .conftest import SAMPLE_TOML
from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

Run = Callable[..., Result]

#: What a terminal would obey: a title change (OSC 0), a screen clear, an OSC 8 hyperlink,
#: a C1 CSI, a bell, a carriage return, DEL, and the bidi overrides and isolates.
HOSTILE = [
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x1b]8;;http://evil.test/\x1b\\click\x1b]8;;\x1b\\",
    "\x9b31m",
    "\x07",
    "ok\rfake",
    "\x7f",
    "\u202e",
    "\u2066",
    "\u2069",
]
#: Any of those characters in output is a failure.
UNSAFE_OUTPUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert not UNSAFE_OUTPUT.search(text), repr(text)


def _one_error_line(result: Result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlsd: error: "), result.stderr
    return lines[0]


# ----------------------------------------------------------------- the schema refuses them


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize(
    ("field", "original"),
    [
        ("title", 'title = "Uber\'s Michelangelo"'),
        ("org", 'org = "Uber"'),
        ("authors", '    "Jay Kreps",'),
        ("venue", 'venue = "LinkedIn / Confluent"'),
    ],
)
def test_a_catalogue_value_with_a_control_character_is_one_line_naming_the_field(
    cli: Run, tmp_path: Path, hostile: str, field: str, original: str
) -> None:
    escaped = hostile.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    escaped = re.sub(r"\\x([0-9a-f]{2})", r"\\u00\1", escaped)  # TOML has no \x escapes
    bad = original.replace('"', f'"{escaped}', 1)
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML.replace(original, bad), encoding="utf-8")
    before = path.read_bytes()
    for command in (["list"], ["show", "the-log"], ["search", "log"], ["dedupe"]):
        line = _one_error_line(cli(*command, "--catalogue", str(path)))
        assert f"'{field}' holds the control character U+" in line
        _assert_clean(line)
    assert path.read_bytes() == before


def test_tabs_and_line_feeds_stay_allowed_in_descriptions(tmp_path: Path) -> None:
    text = SAMPLE_TOML.replace(
        'kind = "paper"', 'kind = "paper"\ndescription = """Two\n\tlines."""', 1
    )
    catalogue = store.parse_catalogue(text.encode())
    assert any(r.description == "Two\n\tlines." for r in catalogue.resources)


@pytest.mark.parametrize("option", ["--title", "--org", "--author"])
def test_add_refuses_a_control_character_in_a_value(
    cli: Run, sample_catalogue: Path, option: str
) -> None:
    before = sample_catalogue.read_bytes()
    args = {"--title": "Fine title", "--kind": "blog", "--section": "platforms"}
    args[option] = "evil\x1b]0;pwned\x07"
    flat = [x for pair in args.items() for x in pair]
    result = cli("add", *flat, "--yes", "--no-fetch", "--catalogue", str(sample_catalogue))
    line = _one_error_line(result)
    assert "control character U+001B" in line
    _assert_clean(result.stdout, result.stderr)
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- the output guards


def test_every_print_path_makes_controls_visible(capsys: pytest.CaptureFixture[str]) -> None:
    from mlsd_cli.cli import common

    for hostile in HOSTILE:
        common.echo(f"a{hostile}b")
        common.print_json({"title": f"a{hostile}b"})
        common.console().print(f"a{hostile}b")
        common.console(stderr=True).print(f"a{hostile}b")
        common.err(f"a{hostile}b")
    out, errors = capsys.readouterr()
    _assert_clean(out, errors)
    assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out  # visible, not lost


# ----------------------------------------------------------------- a hostile page

HOSTILE_PAGE = (
    "<html><head><title>Page\x1b]0;pwned\x07 title\u202e" + "x" * 2_000 + "</title>"
    '<meta name="description" content="Desc \x1b[2J\x9b31m here">'
    '<meta name="author" content="Mal\x1b]8;;http://evil.test/\x07lory">'
    '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>"
    "</head><body></body></html>"
)


def test_add_from_a_hostile_page_adds_a_clean_entry(
    cli: Run, sample_catalogue: Path, http_server: TestServer
) -> None:
    http_server.route("/hostile", Reply(200, HOSTILE_PAGE))
    result = cli(
        "add",
        http_server.url("/hostile"),
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--yes",
        "--catalogue",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    _assert_clean(result.stdout, result.stderr)
    assert "JSON-LD is nested too deeply" in result.stderr  # a warning, and the add goes on
    [new] = [r for r in store.load(sample_catalogue).resources if r.url and "hostile" in r.url]
    for value in (new.title, new.description or "", *new.authors, new.id):
        _assert_clean(value)
    assert new.title.startswith("Page ") and len(new.title) <= 300
    assert len(new.id) <= 80


def test_a_one_mebibyte_title_gives_a_short_title_and_id() -> None:
    from mlsd_cli.catalogue.model import slugify

    meta = parse_html_metadata(f"<title>{'word ' * 200_000}</title>", "https://a.test/")
    assert meta.title is not None and len(meta.title) <= 300
    assert len(slugify("a" * 1_048_576)) <= 80
    assert len(slugify("word-" * 200_000, max_words=10**6)) <= 80


def test_a_utf7_charset_declaration_is_not_honoured() -> None:
    page = b'<meta charset="utf-7"><title>+ADw-script+AD4-</title>'
    assert "<script>" not in decode_html(page, None)
    assert "<script>" not in decode_html(page, "text/html; charset=UTF-7")


# ----------------------------------------------------------------- slow servers


@pytest.fixture
def header_drip() -> Iterator[str]:
    """A server on 127.0.0.1 that sends its status line and then one header line byte by
    byte, a byte every 0.05 s, forever: every read of the client gets a byte in time."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            stream = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10**6
            for i in range(len(stream)):
                if stop.wait(0.05):
                    return
                try:
                    conn.sendall(stream[i : i + 1])
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.slow
def test_add_ends_at_its_deadline_on_a_server_dripping_headers(
    sample_catalogue: Path, header_drip: str
) -> None:
    """Bounded: $MLSD_FETCH_TIMEOUT=1 s, and the process is killed (the test fails) if it
    runs 60 s; memory: the server sends at most 20 bytes a second."""
    import os

    env = {**os.environ, "MLSD_FETCH_TIMEOUT": "1"}
    args = ["add", header_drip, "--title", "Slow", "--kind", "blog", "--section", "platforms"]
    proc = subprocess.run(
        [sys.executable, "-m", "mlsd_cli", *args, "--yes", "--catalogue", str(sample_catalogue)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr  # the add goes on without the page
    assert "timed out after 1 s" in proc.stderr
    assert "Slow" in [r.title for r in store.load(sample_catalogue).resources]


@pytest.mark.slow
def test_check_ends_on_a_server_dripping_headers(tmp_path: Path, header_drip: str) -> None:
    """Bounded: --timeout 1, one retry at most, killed at 60 s."""
    path = tmp_path / "resources.toml"
    text = SAMPLE_TOML.replace(
        "https://eng.uber.com/michelangelo-machine-learning-platform/", header_drip
    )
    text = re.sub(r"https://engineering\.linkedin\.com/\S+\"", header_drip + '2"', text)
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlsd_cli",
            "check",
            "--timeout",
            "1",
            "--retries",
            "0",
            "-c",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "timed out" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


# ----------------------------------------------------------------- URLs and CSV


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.test\\@example.com/p",
        "https://example.com\\evil.test/",
        "https://example.com/a\\b",
        "https://user:pass@example.com/",
        "https://example.com@evil.test/",
        "https://ex%61mple.com/",
        "http:example.com/",
        "https:/example.com/",
        "https://exa\tmple.com/",
        "https://example.com/\n",
        " https://example.com/",
        "\x00https://example.com/",
    ],
)
def test_urls_browsers_and_python_read_differently_are_refused(url: str) -> None:
    assert url_problem(url) is not None


def test_a_backslash_url_is_refused_by_add(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    url = "http://evil.test\\@example.com/p"
    fields = ["--title", "T", "--kind", "blog", "--section", "platforms", "--yes", "--no-fetch"]
    result = cli("add", url, *fields, "--catalogue", str(sample_catalogue))
    assert "backslash" in _one_error_line(result)
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize("cell", ["  =SUM(A1:A9)", " +1", "\u00a0@cmd", "   -2+3"])
def test_the_csv_formula_guard_looks_past_leading_blanks(cell: str) -> None:
    assert guard(cell) == "'" + cell


# ----------------------------------------------------------------- every command, pty and pipe

#: What mlsd itself may send to a terminal: rich's colour and style codes (SGR), and for
#: check's progress bar: cursor hidden/shown, line erased, cursor up, carriage return.
OWN_STYLES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[[0-9]*[AK]|\r")


def _commands_on_a_hostile_entry(url: str) -> list[list[str]]:
    """``add`` the hostile page, then every command that prints entries (and check, which
    fetches the page again)."""
    return [
        ["add", url, "--kind", "blog", "--section", "platforms", "--yes"],
        ["list"],
        ["search", "page"],
        ["show", "page-0-pwned-title"],
        ["dedupe"],
        ["export", "--format", "markdown"],
        ["check", "--retries", "0", "--exclude", "^https://"],  # the local page only
    ]


def test_no_escape_sequence_reaches_a_pipe(
    cli: Run, sample_catalogue: Path, http_server: TestServer
) -> None:
    http_server.route("/hostile", Reply(200, HOSTILE_PAGE))
    for args in _commands_on_a_hostile_entry(http_server.url("/hostile")):
        result = cli(*args, "--catalogue", str(sample_catalogue))
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "\x1b" not in result.stdout + result.stderr, args
        _assert_clean(result.stdout, result.stderr)
    assert (
        "Page ]0;pwned title"
        in cli("show", "page-0-pwned-title", "-c", str(sample_catalogue)).stdout
    )


@pytest.mark.slow
def test_no_escape_sequence_reaches_a_terminal(
    sample_catalogue: Path, http_server: TestServer
) -> None:
    """On a real pseudo-terminal (colour on): only mlsd's own codes (:data:`OWN_STYLES`),
    never the page's: no title change, screen clear, hyperlink, C1 or bidi control."""
    import os

    import pexpect

    http_server.route("/hostile", Reply(200, HOSTILE_PAGE))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM", "COLUMNS")}
    env["TERM"] = "xterm-256color"
    styled = 0
    for args in _commands_on_a_hostile_entry(http_server.url("/hostile")):
        child = pexpect.spawn(
            sys.executable,
            ["-m", "mlsd_cli", *args, "--catalogue", str(sample_catalogue)],
            env=env,
            dimensions=(50, 120),
            encoding="utf-8",
        )
        child.expect(pexpect.EOF, timeout=120)
        child.close()
        assert child.exitstatus in (0, 1), (args, child.before)
        text = child.before.replace("\r\n", "\n")  # the terminal's own line ends
        styled += len(OWN_STYLES.findall(text))
        _assert_clean(OWN_STYLES.sub("", text))
    assert styled > 0  # a terminal indeed: rich styled the output
