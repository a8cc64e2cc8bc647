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
