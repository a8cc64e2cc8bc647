"""tests/ptyhelp.py tells "blocked reading the terminal" from "asleep for another reason", so
the pty tests send Ctrl-C only when the program waits for the answer (no race, no sleep)."""

from __future__ import annotations

import sys

import pexpect

from .ptyhelp import blocked_reading
from .ptyhelp import interrupt


def test_a_process_asleep_in_a_timer_is_not_reading() -> None:
    child = pexpect.spawn(
        sys.executable, ["-c", "import time; print('sleeping', flush=True); time.sleep(60)"]
    )
    try:
        child.expect("sleeping")
        assert not blocked_reading(child.pid)
    finally:
        child.close(force=True)


def test_ctrl_c_reaches_a_prompt_that_waits() -> None:
    script = (
        "import readline\n"
        "try:\n    input('Answer: ')\nexcept KeyboardInterrupt:\n    print('got Ctrl-C')\n"
    )
    child = pexpect.spawn(sys.executable, ["-c", script], encoding="utf-8", timeout=30)
    try:
        interrupt(child, "Answer: ")
        child.expect("got Ctrl-C")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
