"""Pausing Python's cyclic garbage collector around bulk work on a catalogue.

Loading, saving, indexing, matching and exporting allocate hundreds of thousands of
containers and make no reference cycles; the collector would only rescan them again and
again (it doubles the time at 100k entries). Memory is still freed by reference counting.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Disable the cyclic GC inside the block; restore its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
