"""``mlsd dedupe``: likely duplicates across the whole catalogue, and merging them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from mlsd_cli.cli.common import (
    CatalogueOpt,
    JsonOpt,
    echo,
    exit_findings,
    handle_errors,
    has_findings,
    load_catalogue,
    print_json,
)

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue, Resource
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.matching.duplicates import DuplicateGroup

REASONS = {
    "same-url": "same URL",
    "similar-title": "similar title",
    "both": "same URL and similar title",
}


@handle_errors
def command(
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            "-T",
            min=0.0,
            max=100.0,
            help="Title similarity (0-100) from which two titles count as one. "
            "Default: 95, chosen by measurement (docs/matching.md).",
            show_default=False,
        ),
    ] = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help="Walk the groups: merge each into one entry, mark it 'not duplicates', "
            "or skip it. Needs a terminal.",
        ),
    ] = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Find likely duplicates: the same URL in another shape, or a re-typed title.

    Prints each group of entries that look like one resource, with the reason (same URL, similar title, or both) and the score (100 for the same URL; for titles, the lowest similarity that holds the group together). Exits 1 when there are duplicates, 0 when the catalogue is clean, so CI can run it. Pairs marked "not duplicates" are never reported again.

    With --merge it asks, group by group, which entry survives (the others are merged into it: sections, tags and authors combined, the richer value of every other field, their ids kept as aliases), whether the entries are in fact different ("not duplicates", never reported again), or to skip. The answers are written together after the last group (q stops early and keeps the answers given); Ctrl-C writes nothing.

    [bold]Examples[/bold]

      mlsd dedupe

      mlsd dedupe --threshold 90 --json

      mlsd dedupe --merge
    """  # noqa: E501
    from mlsd_cli.catalogue import store
    from mlsd_cli.errors import InputError
    from mlsd_cli.matching.duplicates import find_duplicate_groups

    if merge and json_out:
        raise InputError("--merge asks questions; it does not go with --json")
    location, cat = load_catalogue(catalogue)
    if merge:
        from mlsd_cli.cli.common import interactive

        store.ensure_writable(location)
        if not interactive():
            raise InputError(
                "--merge asks what to do with each group and there is no terminal",
                hint="run it in a terminal (or set MLSD_INTERACTIVE=1 to answer on stdin); "
                "`mlsd dedupe --json` lists the groups for scripts",
            )
    groups = find_duplicate_groups(cat, threshold=threshold)
    if merge:
        _merge_flow(location, cat, groups)
        return
    has_findings(bool(groups))
    if json_out:
        by_id = _by_id(cat)
        print_json([_group_json(by_id, g) for g in groups])
    else:
        _print_groups(cat, groups)


# --------------------------------------------------------------------------- output


def _by_id(cat: Catalogue) -> dict[str, Resource]:
    return {r.id: r for r in cat.resources}


def _group_json(by_id: dict[str, Resource], group: DuplicateGroup) -> dict[str, Any]:
    members = [by_id[rid] for rid in group.ids]
    return {
        "ids": list(group.ids),
        "reason": group.reason,
        "score": group.score,
        "titles": [r.title for r in members],
        "urls": [r.url for r in members],
    }


def _describe_group(number: int, total: int, group: DuplicateGroup) -> str:
    return (
        f"Group {number}/{total}: {REASONS.get(group.reason, group.reason)}, score {group.score:g}"
    )


def _member_lines(resource: Resource, label: str) -> list[str]:
    lines = [f"  {label}{resource.id}  {resource.title}"]
    pad = " " * (2 + len(label))
    details = [resource.url or "(no URL)"]
    if resource.sections:
        details.append("sections: " + ", ".join(resource.sections))
    lines.append(pad + "  ".join(details))
    return lines


def _print_groups(cat: Catalogue, groups: list[DuplicateGroup]) -> None:
    if not groups:
        echo(f"No duplicates found ({len(cat.resources)} resources checked).")
        return
    by_id = _by_id(cat)
    for number, group in enumerate(groups, 1):
        echo(_describe_group(number, len(groups), group))
        for rid in group.ids:
            for line in _member_lines(by_id[rid], ""):
                echo(line)
        echo()
    count = sum(len(g.ids) for g in groups)
    echo(
        f"{len(groups)} group{'s' if len(groups) != 1 else ''} of likely duplicates "
        f"({count} resources). Review them with: mlsd dedupe --merge"
    )


# --------------------------------------------------------------------------- --merge


def _prompt(text: str, default: str | None = None) -> str:
    """One answer from the user; EOF or Ctrl-C at the prompt writes nothing."""
    try:
        return str(typer.prompt(text, default=default, show_default=default is not None))
    except typer.Abort:
        raise KeyboardInterrupt from None


def _ask_action(number: int) -> str:
    while True:
        answer = _prompt("[m]erge, [n]ot duplicates, [s]kip, [q]uit", default="s")
        choice = answer.strip().lower()[:1]
        if choice in ("m", "n", "s", "q"):
            return choice
        echo("  answer m, n, s or q")


def _ask_numbers(question: str, count: int, default: str) -> list[int]:
    while True:
        answer = _prompt(question, default=default).replace(",", " ").split()
        try:
            numbers = [int(a) for a in answer]
        except ValueError:
            numbers = []
        if numbers and all(1 <= n <= count for n in numbers):
            return list(dict.fromkeys(numbers))
        echo(f"  answer with numbers from 1 to {count}")


def _merge_flow(location: CatalogueLocation, cat: Catalogue, groups: list[DuplicateGroup]) -> None:
    if not groups:
        echo(f"No duplicates found ({len(cat.resources)} resources checked).")
        return
    by_id = _by_id(cat)
    merges: list[tuple[str, list[str]]] = []
    distinct: list[list[str]] = []
    skipped = 0
    for number, group in enumerate(groups, 1):
        echo(_describe_group(number, len(groups), group))
        members = [by_id[rid] for rid in group.ids]
        for k, resource in enumerate(members, 1):
            for line in _member_lines(resource, f"{k}) "):
                echo(line)
        action = _ask_action(number)
        if action == "q":
            skipped += len(groups) - number + 1
            break
        if action == "s":
            skipped += 1
        elif action == "n":
            distinct.append([r.id for r in members])
        else:
            keep = _ask_numbers("Keep which entry", len(members), "1")[0]
            rest = [k for k in range(1, len(members) + 1) if k != keep]
            if len(rest) > 1:
                rest = [
                    k
                    for k in _ask_numbers(
                        "Merge which entries into it", len(members), " ".join(map(str, rest))
                    )
                    if k != keep
                ]
            if rest:
                merges.append((members[keep - 1].id, [members[k - 1].id for k in rest]))
            else:
                skipped += 1
        echo()
    if merges or distinct:
        _write(location, cat, merges, distinct)
    else:
        echo("Nothing to write.")
    if skipped:
        echo(f"{skipped} group(s) skipped: still reported by mlsd dedupe.")
        exit_findings()


def _write(
    location: CatalogueLocation,
    cat: Catalogue,
    merges: list[tuple[str, list[str]]],
    distinct: list[list[str]],
) -> None:
    """Write the answers in one commit (refused if one of their entries changed meanwhile)."""
    from mlsd_cli.changes.commit import commit
    from mlsd_cli.changes.merge import MergePlan

    plan = MergePlan(merges, distinct)
    plan.based_on(cat)
    commit(location, plan)
    for keep_id, other_ids in merges:
        echo(f"Merged {', '.join(other_ids)} into {keep_id}.")
    for ids in distinct:
        echo(f"Recorded as not duplicates: {', '.join(ids)}.")
