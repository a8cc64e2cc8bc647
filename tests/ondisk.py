"""Changing a catalogue file the way another mlsd command would, for tests.

:func:`editing` is the old transaction shape (lock, re-read, change, save) built from
:func:`mlsd_cli.changes.commit.commit` with a plan that runs the body's changes: the file is
written once, validated, under the lock, when the ``with`` block ends without an error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.changes.commit import Plan
from mlsd_cli.changes.commit import commit


@dataclass
class Change(Plan[None]):
    """A plan that runs ``fn`` on the fresh catalogue (tests only: real plans are data)."""

    fn: Callable[[Catalogue], object]

    def apply(self, catalogue: Catalogue) -> None:
        self.fn(catalogue)


def change(path: Path | store.CatalogueLocation, fn: Callable[[Catalogue], object]) -> None:
    commit(path, Change(fn))


@contextmanager
def editing(path: Path | store.CatalogueLocation) -> Iterator[Catalogue]:
    """``with editing(path) as c: c.title = "x"``: the body changes a copy of the catalogue on
    disk; at the end the same changes are committed (a plan replacing the whole catalogue)."""
    location = path.path if isinstance(path, store.CatalogueLocation) else Path(path)
    scratch = store.load(location)
    yield scratch
    changed = copy.deepcopy(scratch)

    def replace_all(c: Catalogue) -> None:
        c.title, c.description = changed.title, changed.description
        c.sections, c.resources = changed.sections, changed.resources
        c.not_duplicates = changed.not_duplicates

    change(path, replace_all)
