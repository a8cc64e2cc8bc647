"""The canonical file's parts, rendered: the head, one block per resource, the tail.

The file mlsd writes (:func:`mlsd_cli.catalogue.store.dumps`) is the head (the comment line,
``[catalogue]``, the ``[[sections]]``), one ``[[resources]]`` block per entry, then the
``[[not_duplicates]]`` tail. A block's content token (:func:`block_token`) names its bytes.
"""

from __future__ import annotations

from typing import Any

from mlsd_cli.catalogue.model import Resource

#: A content token is this many bits (the top bit of 8 bytes cleared: a non-negative int64).
TOKEN_MASK = (1 << 63) - 1


FILE_HEADER = "# mlsd catalogue: edit with `mlsd` or by hand; see docs/catalogue.md\n"
RESOURCE_HEADER = "\n[[resources]]\n"


def table_block(key: str, table_text: str) -> str:
    """One ``[[key]]`` block of the canonical file (its blank line first)."""
    return f"\n[[{key}]]\n{table_text}"


def render_head(data: dict[str, Any]) -> str:
    """The canonical text before the first resource block, from :func:`catalogue_to_dict`'s
    parts (``catalogue`` and ``sections``)."""
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    chunks = [FILE_HEADER, "[catalogue]\n", dumps_table(data["catalogue"])]
    chunks += [table_block("sections", dumps_table(t)) for t in data.get("sections", ())]
    return "".join(chunks)


def render_tail(data: dict[str, Any]) -> str:
    """The canonical text after the last resource block (the not-duplicates records)."""
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    return "".join(
        table_block("not_duplicates", dumps_table(t)) for t in data.get("not_duplicates", ())
    )


def render_block(resource: Resource) -> bytes:
    """The canonical bytes of one resource's block."""
    from mlsd_cli.catalogue.schema import resource_to_dict
    from mlsd_cli.catalogue.tomlwriter import dumps_table

    return (RESOURCE_HEADER + dumps_table(resource_to_dict(resource))).encode("utf-8")


def block_token(block: bytes) -> int:
    """The content token of an entry: blake2b of its canonical block, 8 bytes, top bit cleared."""
    import hashlib

    digest = hashlib.blake2b(block, digest_size=8).digest()
    return int.from_bytes(digest, "big") & TOKEN_MASK
