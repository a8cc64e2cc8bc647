"""mlsd: curate a catalogue of machine learning system design resources."""

from __future__ import annotations

__all__ = ["__version__"]

#: The one place the version is written (pyproject.toml reads it from here, [tool.hatch.version]).
#: A constant, not a look-up in the installed metadata, which took 30 ms of every `mlsd --version`.
__version__ = "0.1.0"
