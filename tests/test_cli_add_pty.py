"""``mlsd add`` through a real pseudo-terminal (pexpect): what a person at a keyboard sees."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from mlsd_cli.catalogue import store

from .ptyhelp import end_input
from .ptyhelp import interrupt

NEW_URL = "https://netflixtechblog.com/distributed-time-travel-for-feature-generation-389cccdd3907"
NEW_TITLE = "Distributed Time Travel for Feature Generation"


class Session:
    """One ``mlsd add`` process on a pseudo-terminal."""

    def __init__(self, catalogue: Path, *args: str) -> None:
        env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100"}
        env.pop("MLSD_INTERACTIVE", None)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "mlsd_cli", "add", "-c", str(catalogue), "--no-fetch", *args],
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(50, 120),
        )

    def answer(self, prompt: str, text: str) -> None:
        self.child.expect(prompt)
        self.child.sendline(text)

    def finish(self) -> tuple[int, str]:
        """Wait for the end; the exit status and everything printed after the last answer."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.signalstatus is None, "mlsd died of a signal"
        return self.child.exitstatus, self.child.before


@pytest.fixture
def sessions() -> Iterator[list[Session]]:
    made: list[Session] = []
    yield made
    for s in made:
        if s.child.isalive():
            s.child.terminate(force=True)


def start(sessions: list[Session], catalogue: Path, *args: str) -> Session:
    session = Session(catalogue, *args)
    sessions.append(session)
    return session


@pytest.mark.slow
def test_full_flow_with_tab_completion(sample_catalogue: Path, sessions: list[Session]) -> None:
    before = store.load(sample_catalogue).resource_ids()
    s = start(sessions, sample_catalogue)
    s.answer("URL", NEW_URL)
    s.answer("Title", NEW_TITLE)
    s.answer(r"Kind \(blog", "")  # the default: blog
    s.child.expect(r"Sections \(numbers")
    s.child.send("plat\t")  # Tab completes the section id
    s.child.expect("platforms")
    s.child.sendline(", 2")
    s.answer("Tags", "Feature Store, time-travel")
    s.answer("Authors", "Prasanna Padmanabhan")
    s.answer("Organisation", "Netflix")
    s.answer("Year", "2016")
    s.answer("Description", "Snapshots of online services.")
    s.child.expect("About to add")
    s.answer(r"Add it\?", "y")
    status, tail = s.finish()
    assert status == 0, tail
    assert "Added distributed-time-travel-for-feature-generation" in tail
    [new] = [r for r in store.load(sample_catalogue).resources if r.id not in before]
    assert (new.title, new.url, new.kind) == (NEW_TITLE, NEW_URL, "blog")
    assert new.sections == ["platforms", "streaming"]
    assert new.tags == ["feature-store", "time-travel"]
    assert (new.authors, new.org, new.year) == (["Prasanna Padmanabhan"], "Netflix", 2016)


def test_duplicate_warning_declined(sample_catalogue: Path, sessions: list[Session]) -> None:
    before = sample_catalogue.read_bytes()
    s = start(sessions, sample_catalogue)
    s.answer("URL", "https://www.uber.com/blog/michelangelo/")
    s.answer("Title", "Ubers Michelangelo")
    s.child.expect("ubers-michelangelo")
    s.answer(r"Add it anyway\? \[y/N\]", "n")
    status, tail = s.finish()
    assert status == 0  # declining is an answer, not an error
    assert "not added (it may duplicate ubers-michelangelo); nothing was written" in tail
    assert "error" not in tail
    assert sample_catalogue.read_bytes() == before


def test_same_url_is_refused_before_more_questions(
    sample_catalogue: Path, sessions: list[Session]
) -> None:
    before = sample_catalogue.read_bytes()
    s = start(sessions, sample_catalogue)
    s.answer("URL", "http://www.eng.uber.com/michelangelo-machine-learning-platform?utm_source=x")
    status, tail = s.finish()
    assert status == 1
    assert "ubers-michelangelo" in tail and "Title" not in tail
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize("at", ["URL", "Title", r"Sections \(numbers", r"Add it\?"])
def test_ctrl_c_at_a_prompt_writes_nothing(
    sample_catalogue: Path, sessions: list[Session], at: str
) -> None:
    before = sample_catalogue.read_bytes()
    s = start(sessions, sample_catalogue)
    answers = [
        ("URL", NEW_URL),
        ("Title", NEW_TITLE),
        (r"Kind \(blog", ""),
        (r"Sections \(numbers", "platforms"),
        ("Tags", ""),
        ("Authors", ""),
        ("Organisation", ""),
        ("Year", ""),
        ("Description", ""),
    ]
    for prompt, text in answers:
        if prompt == at:
            break
        s.answer(prompt, text)
    interrupt(s.child, at)  # once it waits for the answer: never a race with the prompt
    status, tail = s.finish()
    assert status == 130
    assert "interrupted; nothing was written" in tail
    assert "Traceback" not in tail
    assert sample_catalogue.read_bytes() == before
    assert not list(sample_catalogue.parent.glob(".resources.toml.*.mlsd-tmp"))


def test_ctrl_d_at_a_prompt_writes_nothing(sample_catalogue: Path, sessions: list[Session]) -> None:
    before = sample_catalogue.read_bytes()
    s = start(sessions, sample_catalogue)
    s.answer("URL", NEW_URL)
    end_input(s.child, "Title")
    status, tail = s.finish()
    assert status == 1
    assert "no answer (end of input); nothing was written" in tail
    assert sample_catalogue.read_bytes() == before
