"""The library side of ``mlsd edit`` and ``mlsd remove``. Nothing here prompts or prints.

- :class:`FieldChanges` and :func:`apply_changes`: field flags applied to a copy of a resource,
  every value checked (InputError naming the field); :func:`tag_warnings` for the tags.
- :func:`entry_to_toml` / :func:`parse_entry`: one entry as a small TOML document for
  ``--editor``, and the edited text read back and validated against the whole catalogue
  (errors name the edited file and its line).
- :class:`EditPlan` / :class:`RemovePlan`: the change itself, written with
  :func:`mlsd_cli.changes.commit.commit` (refused as stale when the entry changed on disk
  meanwhile; changes to other entries are kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from mlsd_cli.catalogue.fields import RESOURCE_FIELDS
from mlsd_cli.catalogue.model import KINDS
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.schema import RESOURCE_KEYS
from mlsd_cli.catalogue.schema import catalogue_from_dict
from mlsd_cli.catalogue.schema import catalogue_to_dict
from mlsd_cli.catalogue.schema import resource_to_dict
from mlsd_cli.catalogue.tomlwriter import dumps_table
from mlsd_cli.changes.adding import check_url
from mlsd_cli.changes.adding import check_year
from mlsd_cli.changes.adding import clean_list
from mlsd_cli.changes.commit import Basis
from mlsd_cli.changes.commit import Plan
from mlsd_cli.changes.duplicates import edit_refusal
from mlsd_cli.errors import CatalogueError
from mlsd_cli.errors import InputError
from mlsd_cli.lookup import names
from mlsd_cli.lookup.tags import TagNote
from mlsd_cli.lookup.tags import tag_notes
from mlsd_cli.lookup.tags import used_tags

#: Fields ``--clear`` may empty (title, kind and sections are required).
CLEARABLE = ("url", "org", "venue", "year", "description", "tags", "authors")


@dataclass
class FieldChanges:
    """What the flags of ``mlsd edit`` ask for. ``None`` / empty means "leave as it is".

    For the string fields an empty string clears the field, like ``clear``.
    """

    title: str | None = None
    kind: str | None = None
    url: str | None = None
    #: Replace the sections (ids or titles).
    sections: list[str] | None = None
    add_sections: list[str] = field(default_factory=list)
    remove_sections: list[str] = field(default_factory=list)
    #: Replace the tags.
    tags: list[str] | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    #: Replace the authors.
    authors: list[str] | None = None
    org: str | None = None
    venue: str | None = None
    year: int | None = None
    description: str | None = None
    #: Fields to empty (names from :data:`CLEARABLE`).
    clear: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self == FieldChanges()


def apply_changes(catalogue: Catalogue, resource: Resource, changes: FieldChanges) -> Resource:
    """A copy of ``resource`` with ``changes`` applied. Raises InputError for a bad value."""
    for name in changes.clear:
        if name not in CLEARABLE:
            raise InputError(f"'{name}' cannot be cleared", field="clear", choices=CLEARABLE)
    r = replace(
        resource,
        sections=list(resource.sections),
        tags=list(resource.tags),
        authors=list(resource.authors),
        aliases=list(resource.aliases),
    )
    if changes.title is not None:
        if not changes.title.strip():
            raise InputError("a resource needs a title", field="title")
        r.title = changes.title.strip()
    if changes.kind is not None:
        r.kind = names.resolve_kind(changes.kind)
    if changes.url is not None:
        r.url = check_url(changes.url)
    if changes.org is not None:
        r.org = changes.org.strip() or None
    if changes.venue is not None:
        r.venue = changes.venue.strip() or None
    if changes.year is not None:
        r.year = check_year(changes.year)
    if changes.description is not None:
        r.description = changes.description.strip()
    if changes.authors is not None:
        r.authors = clean_list(changes.authors)

    if changes.sections is not None:
        r.sections = names.resolve_sections(catalogue, changes.sections)
    for sid in names.resolve_sections(catalogue, changes.add_sections, field="add_sections"):
        if sid not in r.sections:
            r.sections.append(sid)
    for sid in names.resolve_sections(catalogue, changes.remove_sections, field="remove_sections"):
        if sid not in r.sections:
            raise InputError(
                f"'{r.id}' is not in section '{sid}'",
                hint=f"its sections: {', '.join(r.sections)}",
                field="remove_sections",
            )
        r.sections.remove(sid)
    if not r.sections:
        raise InputError(
            f"'{r.id}' would be in no section",
            hint=f"every resource needs one: `mlsd edit {r.id} --add-section SECTION` first",
        )

    if changes.tags is not None:
        r.tags = names.normal_tags(changes.tags)
    for tag in names.normal_tags(changes.add_tags, field="add_tags"):
        if tag not in r.tags:
            r.tags.append(tag)
    for tag in names.normal_tags(changes.remove_tags, field="remove_tags"):
        if tag in r.tags:  # removing a tag it lacks changes nothing (see tag_warnings)
            r.tags.remove(tag)

    for name in changes.clear:
        if name in ("tags", "authors"):
            setattr(r, name, [])
        elif name == "description":
            r.description = ""
        else:
            setattr(r, name, None)
    return r


def tag_warnings(
    catalogue: Catalogue, original: Resource, new: Resource, changes: FieldChanges
) -> list[TagNote]:
    """What ``mlsd tag`` warns about too: new near spellings, removing a tag it lacks."""
    return tag_notes(
        used_tags(catalogue),
        added=[t for t in new.tags if t not in original.tags],
        removed=names.normal_tags(changes.remove_tags, field="remove_tags"),
        entry=original,
    )


# --------------------------------------------------------------------------- --editor


def entry_to_toml(catalogue: Catalogue, resource: Resource, *, source: str = "") -> str:
    """One entry as a TOML document to edit, with comments naming the allowed values.

    Missing optional fields appear as commented-out lines, ready to fill in.
    """
    data = resource_to_dict(resource)
    # The fields whose rule (Field.check) allows a known set of values name them.
    choices = {"kind": KINDS, "sections": [s.id for s in catalogue.sections]}
    lines = [
        f"# Editing '{resource.id}'" + (f" from {source}" if source else "") + ".",
        "# Save and quit to apply; quit without changes to cancel. Lines starting with # are",
        "# comments. The id cannot be changed here.",
        *(
            f"# {f.name}: " + ", ".join(choices[f.check])
            for f in RESOURCE_FIELDS
            if f.check in choices
        ),
        "",
        dumps_table(data).rstrip("\n"),
    ]
    absent = [f.placeholder for f in RESOURCE_FIELDS if f.placeholder and f.name not in data]
    if absent:
        lines.append("")
        lines.extend(f"# {text}" for text in absent)
    return "\n".join(lines) + "\n"


def _snippet_locator(text: str, index: int) -> Any:
    lines = text.split("\n")

    def locate(table: str, i: int | None, key: str | None) -> int | None:
        if table != "resources" or i != index:
            return None
        if key is not None:
            pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
            for n, line in enumerate(lines):
                if pattern.match(line):
                    return n + 1
        for n, line in enumerate(lines):  # the first line that is not a comment
            if line.strip() and not line.lstrip().startswith("#"):
                return n + 1
        return 1

    return locate


def parse_entry(text: str, catalogue: Catalogue, original: Resource, *, source: str) -> Resource:
    """Read an edited entry back, validated as part of ``catalogue``.

    Raises CatalogueError located at ``source:line`` (bad TOML, unknown field, bad value).
    """
    from mlsd_cli.catalogue.store import _parse_toml

    data = _parse_toml(text, source)
    if "id" in data and data["id"] != original.id:
        raise CatalogueError(
            f"the id cannot be changed here ('{original.id}' became {data['id']!r})",
            location=f"{source}:{_snippet_locator(text, 0)('resources', 0, 'id')}",
            hint="put the id back; the title can change freely",
        )
    data = {**data, "id": original.id}
    unknown = [k for k in data if k not in RESOURCE_KEYS]
    index = next(i for i, r in enumerate(catalogue.resources) if r.id == original.id)
    whole = catalogue_to_dict(catalogue)
    whole["resources"][index] = data
    if unknown and isinstance(data.get(unknown[0]), dict):
        line = _snippet_locator(text, index)("resources", index, None)
        raise CatalogueError(
            f"unexpected table [{unknown[0]}]",
            location=f"{source}:{line}",
            hint="write the entry's fields as key = value lines, without [[...]] headers",
        )
    checked = catalogue_from_dict(whole, source=source, locate=_snippet_locator(text, index))
    return checked.resources[index]


# --------------------------------------------------------------------------- plans


@dataclass
class EditPlan(Plan[Resource]):
    """Put ``new`` in the place of ``original`` (same id); refused if ``original`` changed on
    disk meanwhile, or if ``new`` is by then another entry's resource (its URL, or an id merged
    into it: :func:`~mlsd_cli.changes.duplicates.edit_refusal`, DuplicateError)."""

    original: Resource
    new: Resource

    def __post_init__(self) -> None:
        self.basis = Basis.of([self.original])

    @property
    def empty(self) -> bool:
        return self.new == self.original

    def apply(self, catalogue: Catalogue) -> Resource:
        error = edit_refusal(catalogue, self.original, self.new)
        if error is not None:
            raise error
        catalogue.resources[_index(catalogue, self.original.id)] = self.new
        return self.new


@dataclass
class RemovePlan(Plan[Resource]):
    """Remove ``resource`` and the "not duplicates" records naming it (or its old ids);
    refused if the entry changed on disk meanwhile. Returns the removed entry."""

    resource: Resource

    def __post_init__(self) -> None:
        self.basis = Basis.of([self.resource])

    def apply(self, catalogue: Catalogue) -> Resource:
        current = catalogue.resources.pop(_index(catalogue, self.resource.id))
        gone = {current.id, *current.aliases}
        catalogue.not_duplicates = [
            pair for pair in catalogue.not_duplicates if not gone.intersection(pair)
        ]
        return current


def _index(catalogue: Catalogue, resource_id: str) -> int:
    i = catalogue.position(resource_id, aliases=False)
    if i is None:  # the basis was checked under the lock: never
        raise StopIteration(resource_id)
    return i
