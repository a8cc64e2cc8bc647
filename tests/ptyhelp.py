"""Talking to mlsd through a real pseudo-terminal (pexpect) without timing races.

A key sent before the program waits for it is not lost (the terminal buffers it), except
Ctrl-C: the terminal turns it into SIGINT at once, and if it arrives before the program is
blocked reading, readline can go on to wait for input although the signal came (the test
then times out). :func:`interrupt` waits for the prompt's text *and* for the process to be
asleep reading the terminal (``/proc/PID/wchan``), then sends Ctrl-C.
"""

from __future__ import annotations

import time
from pathlib import Path

import pexpect

#: Kernel wait channels of a process blocked reading a terminal (select/poll as readline does,
#: or a plain read).
READING = ("poll", "select", "n_tty_read", "wait_woken")


def blocked_reading(pid: int) -> bool:
    """Is process ``pid`` asleep, waiting for input?"""
    proc = Path(f"/proc/{pid}")
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        wchan = (proc / "wchan").read_text()
    except OSError:
        return False
    return state == "S" and any(word in wchan for word in READING)


def wait_until_reading(child: pexpect.spawn, *, limit_s: float = 30.0) -> None:
    """Return once ``child`` is blocked reading its terminal (polls /proc; fails after
    ``limit_s``, which only a hung program reaches)."""
    deadline = time.monotonic() + limit_s
    while not blocked_reading(child.pid):
        assert child.isalive(), "the program ended instead of asking"
        assert time.monotonic() < deadline, "the program never waited for input"
        time.sleep(0.005)


def interrupt(child: pexpect.spawn, prompt: str) -> None:
    """Wait for ``prompt`` and for the program to wait for the answer; then press Ctrl-C."""
    child.expect(prompt)
    wait_until_reading(child)
    child.sendintr()


def end_input(child: pexpect.spawn, prompt: str) -> None:
    """Wait for ``prompt`` and for the program to wait; then press Ctrl-D (end of input)."""
    child.expect(prompt)
    wait_until_reading(child)
    child.sendeof()
