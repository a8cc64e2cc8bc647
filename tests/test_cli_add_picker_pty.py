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
