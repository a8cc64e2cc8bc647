"""The one way mlsd writes the catalogue: a pure plan, then one commit step.

Every write (add, edit, remove, tag, dedupe --merge, check --fix-redirects, import) is split
in two:

1. **Plan.** From the catalogue the command loaded, compute a :class:`Plan`: a small object
   saying what to add, change or remove, and what it was based on (:class:`Basis`: a copy of
   every existing entry it touches). Planning has no side effect; the command may show the
   plan, ask about it, or throw it away.
2. **Commit.** :func:`commit` takes the catalogue's lock, re-reads the file (hashing it: when
   it is the file the command loaded, the rows already read from the load cache are used
   again, in a fresh sequence: :func:`mlsd_cli.catalogue.store.load_for_write`), and *rebases*
   the plan on what is on disk now: if an entry of the basis changed or went meanwhile, the plan
   is stale (:class:`~mlsd_cli.errors.StaleError`: one line, exit 2, nothing written, "run
   the command again"); otherwise the plan is applied to the fresh catalogue, so changes other
   commands made to other entries are kept. The result is validated and saved atomically; if
   anything raises on the way, nothing is written.

Writing a plan (``mlsd import``'s, say)::

    @dataclass
    class ImportPlan(Plan[ImportReport]):
        items: list[Item]                  # what to add, decided from the loaded catalogue
        basis: Basis = field(default_factory=Basis)   # entries it changes: none for an import

        def apply(self, catalogue: Catalogue) -> ImportReport:
            # Runs under the lock on the fresh catalogue; change it in place and return what
            # the command reports. Re-check here what other commands may have made untrue
            # (an entry with the same URL added meanwhile) and raise an MlsdError to refuse.
            ...

    report = commit(location, ImportPlan(items))    # in the command: the one write

Rules for ``apply``: change only the catalogue it is given, print nothing, prompt for nothing,
and raise an :class:`~mlsd_cli.errors.MlsdError` to refuse (nothing is written). A plan that
changes existing entries lists them in ``basis`` (``Basis.of(resources)``, taken from the
loaded catalogue when planning) and may override :meth:`Plan.stale` to name further facts it
relied on (a tag rename also relies on which entries carry the old tag).
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Generic
from typing import TypeVar

from mlsd_cli.errors import StaleError

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.catalogue.store import WriteBasis

T = TypeVar("T")


@dataclass(frozen=True)
class Basis:
    """The existing entries a plan touches, as they were when it was planned (copies)."""

    entries: tuple[Resource, ...] = field(default=())

    @classmethod
    def of(cls, resources: Iterable[Resource]) -> Basis:
        unique = {r.id: r for r in resources}
        return cls(tuple(r.copy() for r in unique.values()))

    def ids(self) -> list[str]:
        return [r.id for r in self.entries]

    def check(self, catalogue: Catalogue) -> None:
        """Raise StaleError if an entry of the basis is no longer as planned in ``catalogue``."""
        if not self.entries:
            return
        from mlsd_cli.catalogue.schema import resource_to_dict

        found = catalogue.positions(self.ids(), aliases=False)
        for planned, i in zip(self.entries, found, strict=True):
            if i is None:
                raise StaleError(planned.id, removed=True)
            current = catalogue.resources[i]
            if current == planned:  # the same values: the same in the file
                continue
            if resource_to_dict(current) != resource_to_dict(planned):  # as the file says it
                raise StaleError(planned.id)


class Plan(ABC, Generic[T]):
    """A write computed from a loaded catalogue, applied by :func:`commit`. See the module doc."""

    #: The entries the plan touches as they were when planned. Subclasses that change existing
    #: entries set it (a dataclass field, or in ``__init__``).
    basis: Basis = Basis()

    def stale(self, catalogue: Catalogue) -> None:
        """Raise StaleError if the plan no longer fits ``catalogue`` (read under the lock)."""
        self.basis.check(catalogue)

    @abstractmethod
    def apply(self, catalogue: Catalogue) -> T:
        """Make the change in ``catalogue`` (the fresh one, under the lock); return the result."""


class _Progress:
    """How far this process got with writing, for an honest word when Ctrl-C comes."""

    saving = False
    saved = False
    #: The file being saved, and its identity (inode, size, mtime) before the save.
    path: Path | None = None
    before: tuple[int, ...] | None = None


def _identity(path: Path) -> tuple[int, ...] | None:
    """Which file ``path`` is now: the atomic rename gives it a new inode."""
    import os

    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)


def reset() -> None:
    """Forget earlier writes (a new command starts; the CLI calls it)."""
    _Progress.saving = _Progress.saved = False
    _Progress.path = _Progress.before = None


def interrupted_note() -> str:
    """What to say when the user interrupts the command: was anything written? During the
    save the file itself answers: replaced (a new inode) or not."""
    if _Progress.saving and _Progress.path is not None:
        if _identity(_Progress.path) != _Progress.before:
            _Progress.saved = True
        else:
            return "interrupted while saving; nothing was written"
    if _Progress.saved:
        return "interrupted; the changes made before were saved"
    return "interrupted; nothing was written"


def commit(location: CatalogueLocation | Path, plan: Plan[T]) -> T:
    """Lock, re-read, rebase ``plan`` on the fresh catalogue (or refuse it as stale), apply,
    validate and save atomically. Returns what the plan's ``apply`` returns.

    Raises ReadOnlyCatalogueError for the shipped catalogue, StaleError when an entry the plan
    touches changed meanwhile, and whatever ``apply`` raises; in every case nothing is written.
    """
    from mlsd_cli.catalogue import store

    if not isinstance(location, store.CatalogueLocation):
        location = store.CatalogueLocation(Path(location), "option")
    store.ensure_writable(location)
    with store.locked(location.path):
        fresh, basis = store.load_for_write(location.path)
        try:
            plan.stale(fresh)
            result = plan.apply(fresh)
            _save(fresh, location.path, basis)
        finally:
            if basis is not None:
                basis.close()
    return result


def _save(fresh: Catalogue, path: Path, basis: WriteBasis | None) -> None:
    from mlsd_cli.catalogue import store

    _Progress.path, _Progress.before = path, _identity(path)
    _Progress.saving = True
    try:
        store.save(fresh, path, basis=basis)
        _Progress.saved = True
    except BaseException:  # Ctrl-C or an error: did the rename happen before it?
        _Progress.saved = _Progress.saved or _identity(path) != _Progress.before
        raise
    finally:
        _Progress.saving = False
