"""``mlsd add``'s section picker on a real terminal: the tree indented, and a number out of
range asked again (never offered as the title of a new section)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsd_cli.catalogue import store

from .test_cli_add_pty import NEW_TITLE
from .test_cli_add_pty import NEW_URL
from .test_cli_add_pty import Session
from .test_cli_add_pty import sessions  # noqa: F401  (the fixture)
from .test_cli_add_pty import start


@pytest.mark.slow
def test_tree_indented_and_out_of_range_asks_again(
    sample_catalogue: Path,
    sessions: list[Session],  # noqa: F811
) -> None:
    before = store.load(sample_catalogue).resource_ids()
    s = start(sessions, sample_catalogue)
    s.answer("URL", NEW_URL)
    s.answer("Title", NEW_TITLE)
    s.answer(r"Kind \(blog", "")
    s.child.expect(r"  1  platforms    ML platforms")
    s.child.expect(r"  2    streaming  Streaming systems")  # under platforms: indented
    s.answer(r"Sections \(numbers", "99")
    s.child.expect(r"there is no section number 99 \(1 to 2\)")
    s.answer(r"Sections \(numbers", "2")
    for prompt in ("Tags", "Authors", "Organisation", "Year", "Description"):
        s.answer(prompt, "")
    s.answer(r"Add it\?", "y")
    status, tail = s.finish()
    assert status == 0, tail
    assert "Create a new section" not in tail
    [new] = [r for r in store.load(sample_catalogue).resources if r.id not in before]
    assert new.sections == ["streaming"]


def test_interrupted_starts_its_own_line(sample_catalogue: Path, sessions: list[Session]) -> None:  # noqa: F811
    from .ptyhelp import interrupt

    s = start(sessions, sample_catalogue)
    interrupt(s.child, "URL")
    status, tail = s.finish()
    assert status == 130
    lines = tail.replace("\r\n", "\n").split("\n")
    assert any(line.startswith("mlsd: interrupted; nothing was written") for line in lines), tail


def test_a_long_default_is_shown_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsd_cli.cli import prompts

    long = "A title far longer than fifty characters, which the prompt used to cut short"
    asked: list[str] = []
    monkeypatch.setattr(prompts, "read_line", lambda prompt, words=None: asked.append(prompt) or "")
    assert prompts.ask("Title", str, default=long) == long
    assert asked == [f"Title [{long}] (- for none): "]


def _many_sections(path: Path, count: int) -> None:
    from mlsd_cli.catalogue.model import Section

    from . import ondisk

    with ondisk.editing(path) as cat:
        cat.sections.extend(Section(f"topic-{n:02d}", f"Topic {n:02d}") for n in range(count))


@pytest.mark.slow
def test_a_long_tree_pages_on_a_short_terminal(
    sample_catalogue: Path,
    sessions: list[Session],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """40 sections on a terminal 20 lines high: 16 at a time, Enter shows the next page."""
    _many_sections(sample_catalogue, 40)  # 42 sections with the two of the sample
    before = store.load(sample_catalogue).resource_ids()
    monkeypatch.delenv("LINES")  # the terminal's own height counts (the suite sets 50)
    s = start(sessions, sample_catalogue)
    s.child.setwinsize(20, 120)
    s.answer("URL", NEW_URL)
    s.answer("Title", NEW_TITLE)
    s.answer(r"Kind \(blog", "")
    s.child.expect(r" 16  topic-13 +Topic 13\r\n")
    s.child.expect(r"Sections \(numbers, ids or titles, comma-separated\) \(Enter: 26 more\): ")
    assert "topic-14" not in s.child.before  # the first page stops at 16
    s.child.sendline("")
    s.child.expect(r" 17  topic-14 ")
    s.child.expect(r" 32  topic-29 +Topic 29\r\n")
    s.child.expect(r"\(Enter: 10 more\): ")
    assert "topic-30" not in s.child.before
    s.child.sendline("")
    s.child.expect(r" 42  topic-39 +Topic 39\r\n")
    s.child.expect(r"comma-separated\): ")  # the last page: no "more"
    s.child.sendline("40")
    for prompt in ("Tags", "Authors", "Organisation", "Year", "Description"):
        s.answer(prompt, "")
    s.answer(r"Add it\?", "y")
    status, tail = s.finish()
    assert status == 0, tail
    [new] = [r for r in store.load(sample_catalogue).resources if r.id not in before]
    assert new.sections == ["topic-37"]


def test_pager_pages_and_enter_asks_for_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsd_cli.cli import prompts

    said: list[str] = []
    answers = iter(["", "", "7"])
    asked: list[str] = []
    monkeypatch.setattr(prompts, "say", said.append)
    monkeypatch.setattr(prompts, "read_line", lambda q, w=None: asked.append(q) or next(answers))
    pager = prompts.Pager([f"line {n}" for n in range(1, 11)], size=4)
    assert prompts.ask("Pick", int, pager=pager) == 7
    assert said == [f"line {n}" for n in range(1, 11)]
    assert asked == ["Pick (Enter: 6 more): ", "Pick (Enter: 2 more): ", "Pick: "]
