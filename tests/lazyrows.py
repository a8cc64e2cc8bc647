"""The lazy catalogue's contract over a plain list, for tests of its consumers.

``mlsd_cli.catalogue.lazy.LazyResources`` decodes the load cache's rows on demand; this one
holds any Resources (entries a test makes up, with no file behind them) and counts the
positions read. The protocol: ``len``, ``rows[i]``, ``tokens()`` (the content token of each
entry's canonical block; RuntimeError once mutated), ``path``, ``decoded()``.
``tests/test_factstore_lazy.py`` runs the same checks on a real lazily loaded catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import MutableSequence
from pathlib import Path
from typing import Any
from typing import overload

from mlsd_cli.catalogue.blocks import block_token
from mlsd_cli.catalogue.blocks import render_block
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource


def token_of(r: Resource) -> int:
    return block_token(render_block(r))


class TokenRows(MutableSequence[Resource]):
    def __init__(self, resources: Iterable[Resource], path: Path) -> None:
        self._items = list(resources)
        self._tokens = [token_of(r) for r in self._items]
        self._read: set[int] = set()
        self._mutated = False
        self.path = path.resolve()

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> Resource: ...
    @overload
    def __getitem__(self, i: slice) -> MutableSequence[Resource]: ...
    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            self._read.update(range(len(self._items))[i])
            return self._items[i]
        r = self._items[i]
        self._read.add(i % len(self._items))
        return r

    def __setitem__(self, i: Any, value: Any) -> None:
        self._mutated = True
        self._items[i] = value

    def __delitem__(self, i: Any) -> None:
        self._mutated = True
        del self._items[i]

    def insert(self, i: int, value: Resource) -> None:
        self._mutated = True
        self._items.insert(i, value)

    def tokens(self) -> list[int]:
        if self._mutated:
            raise RuntimeError("the rows changed since they were loaded")
        return self._tokens

    def decoded(self) -> int:
        return len(self._read)


def lazy_copy(catalogue: Catalogue, path: Path) -> Catalogue:
    """``catalogue`` as a lazy load of the file at ``path`` would give it (its rows behind the
    contract; the same Resource objects)."""
    return Catalogue(
        title=catalogue.title,
        description=catalogue.description,
        sections=catalogue.sections,
        resources=TokenRows(catalogue.resources, path),  # type: ignore[arg-type]
        not_duplicates=list(catalogue.not_duplicates),
    )
