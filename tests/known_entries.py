"""Catalogues for the "is it already in the catalogue?" tests (import, add, edit alike)."""

from __future__ import annotations

from pathlib import Path

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

UBER = "https://eng.uber.com/michelangelo-machine-learning-platform/"
ARXIV = "https://arxiv.org/abs/1706.03762"
YOUTUBE = "https://www.youtube.com/watch?v=8jTo3bVni3E"
NETFLIX = "https://netflixtechblog.com/artwork-personalization-c589f074ad76"

#: (variant, the id of the entry it names): canonical-URL variants of the entries below.
VARIANTS = [
    ("http://eng.uber.com/michelangelo-machine-learning-platform/", "ubers-michelangelo"),
    (UBER + "?utm_source=twitter&utm_medium=social", "ubers-michelangelo"),
    ("https://eng.uber.com/michelangelo-machine-learning-platform", "ubers-michelangelo"),
    ("https://www.netflixtechblog.com/artwork-personalization-c589f074ad76", "artwork"),
    ("https://youtu.be/8jTo3bVni3E", "internals-of-metaflow"),
    ("https://arxiv.org/pdf/1706.03762.pdf", "attention-is-all-you-need"),
]

TITLES = {
    "ubers-michelangelo": "Uber's Michelangelo",
    "artwork": "Artwork Personalization at Netflix",
    "internals-of-metaflow": "Internals of Metaflow",
    "attention-is-all-you-need": "Attention Is All You Need",
}


def write_known(path: Path) -> Path:
    """Four entries with URLs, one without, in two sections."""
    cat = Catalogue(
        title="Known",
        sections=[Section("reading", "Reading"), Section("talks", "Talks")],
        resources=[
            Resource("ubers-michelangelo", TITLES["ubers-michelangelo"], "blog", ["reading"], UBER),
            Resource("artwork", TITLES["artwork"], "blog", ["reading"], NETFLIX),
            Resource(
                "internals-of-metaflow",
                TITLES["internals-of-metaflow"],
                "video",
                ["talks"],
                YOUTUBE,
            ),
            Resource(
                "attention-is-all-you-need",
                TITLES["attention-is-all-you-need"],
                "paper",
                ["reading"],
                ARXIV,
            ),
            Resource("the-mythical-man-month", "The Mythical Man-Month", "book", ["reading"]),
        ],
    )
    path.write_text(store.dumps(cat), encoding="utf-8")
    return path


#: The items a first, exact-URL-only import let in twice: (id it got, title, URL). Each pair is
#: one resource: a canonical-URL variant, a youtu.be link, a re-typed title at another address.
OLD_IMPORT = [
    (
        "hidden-technical-debt-in-machine-learning-systems",
        "Hidden Technical Debt in Machine Learning Systems",
        "https://papers.nips.cc/paper/5656-hidden-technical-debt-in-machine-learning-systems.pdf",
    ),
    (
        "hidden-technical-debt-in-machine-learning-systems-2",
        "Hidden technical debt in machine-learning systems",
        "https://proceedings.neurips.cc/paper/2015/hash/86df7dcfd896fcaf2674f757a2463eba-Abstract.html",
    ),
    ("ubers-michelangelo", "Uber's Michelangelo", UBER),
    (
        "meet-michelangelo-ubers-machine-learning-platform",
        "Meet Michelangelo: Uber's Machine Learning Platform",
        "http://eng.uber.com/michelangelo-machine-learning-platform/?utm_source=newsletter",
    ),
    ("internals-of-metaflow", "Internals of Metaflow", YOUTUBE),
    ("metaflow-under-the-hood", "Metaflow under the hood", "https://youtu.be/8jTo3bVni3E"),
]


def old_import_markdown() -> str:
    """The list those entries were imported from."""
    return "# Reading\n\n" + "".join(f"- [{title}]({url})\n" for _, title, url in OLD_IMPORT)


def write_old_import(path: Path) -> Path:
    """The catalogue the old importer made of :func:`old_import_markdown` (three pairs)."""
    cat = Catalogue(
        title="Old import",
        sections=[Section("reading", "Reading")],
        resources=[
            Resource(rid, title, "other", ["reading"], url) for rid, title, url in OLD_IMPORT
        ],
    )
    path.write_text(store.dumps(cat), encoding="utf-8")
    return path
