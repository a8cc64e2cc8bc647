"""mlsd: curate a catalogue of machine learning system design resources."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Looked up on first use only: reading package metadata costs 10-20 ms at every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version

        try:
            return version("mlsd")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0.0.0"
    raise AttributeError(f"module 'mlsd_cli' has no attribute {name!r}")
