"""Exporters: the catalogue rendered as markdown, JSON, CSV, BibTeX, HTML or an Atom feed.

:data:`FORMATS` maps a format name to its render function. Every renderer takes the catalogue
and an :class:`ExportOptions` and returns the whole document as one string; nothing here
prints or writes files (the CLI and :mod:`mlsd_cli.formats.readme` do that). Output is
deterministic: the same catalogue and options always give the same bytes. See ``docs/export.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section
from mlsd_cli.catalogue.urls import is_http_url
from mlsd_cli.errors import InputError

#: Markdown styles: "full" (close to the source lists) and "awesome" (awesome-list rules).
STYLES: tuple[str, ...] = ("full", "awesome")


def linkable(url: str | None) -> bool:
    """May ``url`` be emitted as a link? Only an http(s) URL with a valid host
    (:func:`mlsd_cli.catalogue.urls.is_http_url`, with a one-regex fast path for the usual shape).
    """
    return bool(url) and is_http_url(url)


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how. The defaults export the whole catalogue by section."""

    #: The resources to export, in catalogue order (a filtered selection); None means all.
    selection: Sequence[Resource] | None = None
    #: section, org, kind, year or tag (markdown and html).
    group_by: str = "section"
    #: Markdown only: "full" or "awesome".
    style: str = "full"
    #: Markdown only: the generated part goes inside a document (between the mlsd markers).
    #: Then no title heading is written and the top-level sections use ``heading_level``.
    embedded: bool = False
    #: Markdown only: heading level of the top-level sections (2 for a standalone document).
    heading_level: int = 2
    #: Markdown only: texts of the headings above the generated part, so that in-page anchors
    #: get the same "-1", "-2" suffixes GitHub gives them.
    headings_above: tuple[str, ...] = ()
    #: Atom only: at most this many entries, newest ``added`` first (None: the format's default).
    limit: int | None = None
    #: Markdown, HTML and site: the URL (or a relative path) of the list's Atom feed, linked
    #: under the description (markdown), in each page's head and header (HTML, site).
    feed_url: str | None = None

    def resources(self, catalogue: Catalogue) -> Sequence[Resource]:
        return catalogue.resources if self.selection is None else self.selection

    @property
    def filtered(self) -> bool:
        return self.selection is not None


@dataclass
class Group:
    """One heading of an export and what sits under it."""

    title: str
    #: 0 for a top-level group, 1 for a sub-section, ...
    depth: int
    #: Free markdown under the heading (a section's intro).
    intro: str
    resources: list[Resource]
    #: The section id, or the group label.
    key: str


def section_tree(catalogue: Catalogue) -> list[tuple[Section, int]]:
    """Sections depth first, each with its depth: siblings keep catalogue order and a
    sub-section comes right after its parent's own resources."""
    children: dict[str | None, list[Section]] = {}
    known = {s.id for s in catalogue.sections}
    for s in catalogue.sections:
        parent = s.parent if s.parent in known and s.parent != s.id else None
        children.setdefault(parent, []).append(s)
    out: list[tuple[Section, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for s in children.get(parent, []):
            if s.id in seen:  # a cycle: the validator refuses them, but never loop forever
                continue
            seen.add(s.id)
            out.append((s, depth))
            walk(s.id, depth + 1)

    walk(None, 0)
    for s in catalogue.sections:  # sections caught in a cycle: shown at the top level
        if s.id not in seen:
            seen.add(s.id)
            out.append((s, 0))
            walk(s.id, 1)
    return out


def groups(catalogue: Catalogue, options: ExportOptions) -> list[Group]:
    """The headings of an export, in order, each with its resources in catalogue order.

    By section: the section tree, intros kept, an entry in two sections in both; a filtered
    export leaves out sections with nothing selected in them or below them. Other groupings
    come from :func:`mlsd_cli.lookup.grouping.group_resources`.
    """
    resources = options.resources(catalogue)
    if options.group_by != "section":
        from mlsd_cli.lookup.grouping import group_resources

        return [
            Group(label, 0, "", list(items), label)
            for label, items in group_resources(catalogue, resources, options.group_by)
        ]
    by_section: dict[str, list[Resource]] = {s.id: [] for s in catalogue.sections}
    for r in resources:
        for sid in dict.fromkeys(r.sections):
            by_section.setdefault(sid, []).append(r)
    tree = section_tree(catalogue)
    out = [Group(s.title, depth, s.intro, by_section[s.id], s.id) for s, depth in tree]
    known = {s.id for s in catalogue.sections}
    out.extend(
        Group(sid, 0, "", items, sid) for sid, items in by_section.items() if sid not in known
    )
    if options.filtered:
        keep = [bool(g.resources) for g in out]
        for i in range(len(out) - 1, -1, -1):  # a section is kept when a descendant is
            j = i + 1
            while j < len(out) and out[j].depth > out[i].depth:
                keep[i] = keep[i] or keep[j]
                j += 1
        out = [g for g, k in zip(out, keep, strict=True) if k]
    return out


Renderer = Callable[[Catalogue, ExportOptions], str]


def _lazy(module: str) -> Renderer:
    """The ``render`` function of ``mlsd_cli.formats.<module>``, imported on first use and
    run with the cyclic GC paused (rendering builds many short-lived lists and strings and no
    cycles; with 100k entries in memory, each full collection would walk them all again)."""

    def run(catalogue: Catalogue, options: ExportOptions) -> str:
        from importlib import import_module

        from mlsd_cli.catalogue.gcpause import no_cyclic_gc

        render: Renderer = import_module(f"mlsd_cli.formats.{module}").render
        with no_cyclic_gc():
            return render(catalogue, options)

    run.__name__ = f"render_{module}"
    return run


#: Format name -> render function (each imports its module on first use).
FORMATS: dict[str, Renderer] = {
    "markdown": _lazy("markdown"),
    "json": _lazy("json_export"),
    "csv": _lazy("csv_export"),
    "bibtex": _lazy("bibtex"),
    "html": _lazy("html"),
    "atom": _lazy("atom"),
}
#: Formats written as a directory of files (``mlsd_cli.formats.site.render_site``), not one text.
DIRECTORY_FORMATS: tuple[str, ...] = ("site",)
#: Formats that honour ``group_by``.
GROUPED_FORMATS: tuple[str, ...] = ("markdown", "html")
#: Usual file extension of each format.
EXTENSIONS: dict[str, str] = {
    "markdown": ".md",
    "json": ".json",
    "csv": ".csv",
    "bibtex": ".bib",
    "html": ".html",
    "atom": ".xml",
}


def renderer(name: str) -> Renderer:
    """The render function of format ``name``. Raises InputError for an unknown format (or
    one of :data:`DIRECTORY_FORMATS`, which have no single text)."""
    key = format_name(name)
    if key in DIRECTORY_FORMATS:
        raise InputError(f"format '{key}' writes a directory", field="format")
    return FORMATS[key]


def format_name(name: str) -> str:
    """The key of :data:`FORMATS` that ``name`` means (any case; md, bib, htm too)."""
    key = name.strip().lower()
    key = {"md": "markdown", "bib": "bibtex", "htm": "html"}.get(key, key)
    if key not in FORMATS and key not in DIRECTORY_FORMATS:
        import difflib

        known = [*FORMATS, *DIRECTORY_FORMATS]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of {', '.join(known)}"
        raise InputError(f"unknown format '{name}'", hint=hint, field="format")
    return key


def check_style(style: str) -> str:
    """``style`` if it is one of :data:`STYLES`; InputError otherwise."""
    if style not in STYLES:
        raise InputError(f"unknown style '{style}'", field="style", choices=STYLES)
    return style


def export(catalogue: Catalogue, fmt: str, options: ExportOptions | None = None) -> str:
    """Render the catalogue in format ``fmt`` (a key of :data:`FORMATS`)."""
    return renderer(fmt)(catalogue, options or ExportOptions())
