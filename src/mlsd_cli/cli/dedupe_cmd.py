"""``mlsd dedupe``: likely duplicates across the whole catalogue, and merging them."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any

import typer

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import has_findings
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.prompts import require_terminal

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.changes.merge import MergePlan
    from mlsd_cli.matching.duplicates import DuplicateGroup

#: How a tier reads after a group's reason.
TIER_TEXT = {"same-resource": "same resource", "possible-duplicate": "possible duplicate"}


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
    min_tier: Annotated[
        str,
        typer.Option(
            "--min-tier",
            help="Which groups to report: 'same-resource' (identity evidence only: same URL, "
            "moved post, a tool's site and repository...) or 'possible-duplicate' (also "
            "similar titles). Short forms: same, possible.",
        ),
    ] = "possible-duplicate",
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
    """Find likely duplicates: the same resource under another URL, or a re-typed title.

    Prints each group of entries that look like one resource, with its tier (same resource: identity evidence such as the same URL, a moved post, a tool's site and repository; possible duplicate: similar titles), the reason and the score (100 for identity; for titles, the lowest similarity that holds the group together). Exits 1 when there are duplicates, 0 when the catalogue is clean, so CI can run it. Pairs marked "not duplicates" are never reported again.

    With --merge it asks, group by group, which entry survives (the others are merged into it: sections, tags and authors combined, the richer value of every other field, their ids kept as aliases), whether the entries are in fact different ("not duplicates", never reported again), or to skip. The answers are written together after the last group (q stops early and keeps the answers given); Ctrl-C writes nothing.

    [bold]Examples[/bold]

      mlsd dedupe

      mlsd dedupe --threshold 90 --json

      mlsd dedupe --min-tier same

      mlsd dedupe --merge
    """  # noqa: E501
    from mlsd_cli.catalogue import store
    from mlsd_cli.errors import InputError
    from mlsd_cli.matching.duplicates import find_duplicate_groups
    from mlsd_cli.matching.duplicates import tier_named

    if merge and json_out:
        raise InputError("--merge asks questions; it does not go with --json")
    tier = tier_named(min_tier)
    location, cat = load_catalogue(catalogue)
    if merge:
        store.ensure_writable(location)
        hint = "run it in a terminal; `mlsd dedupe --json` lists the groups for scripts"
        require_terminal("--merge", hint=hint)
    groups = find_duplicate_groups(cat, threshold=threshold, min_tier=tier)
    if merge:
        has_findings(bool(_merge(location, cat, groups)))  # the groups left open
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
        "tier": group.tier,
        "reason": group.reason,
        "score": group.score,
        "titles": [r.title for r in members],
        "urls": [r.url for r in members],
    }


def _describe_group(number: int, total: int, group: DuplicateGroup) -> str:
    from mlsd_cli.matching.duplicates import REASON_TEXT

    reason = ", ".join(REASON_TEXT.get(r, r) for r in group.reason.split("+"))
    tier = TIER_TEXT.get(group.tier, group.tier)
    return f"Group {number}/{total}: {reason}, score {group.score:g} ({tier})"


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


def _merge(
    location: CatalogueLocation, cat: Catalogue, groups: list[DuplicateGroup]
) -> list[DuplicateGroup]:
    """Ask about every group, write the answers in one commit; return the groups left open."""
    from mlsd_cli.changes.commit import commit

    if not groups:
        echo(f"No duplicates found ({len(cat.resources)} resources checked).")
        return []
    plan, left = _answers(cat, groups)
    if plan.empty:
        echo("Nothing to write.")
    else:
        plan.based_on(cat)
        commit(location, plan)
        for keep_id, other_ids in plan.merges:
            echo(f"Merged {', '.join(other_ids)} into {keep_id}.")
        for ids in plan.distinct:
            echo(f"Recorded as not duplicates: {', '.join(ids)}.")
    if left:
        echo(f"{len(left)} group(s) skipped: still reported by mlsd dedupe.")
    return left


def _answers(
    cat: Catalogue, groups: list[DuplicateGroup]
) -> tuple[MergePlan, list[DuplicateGroup]]:
    """The plan the answers make, and the groups skipped (or left by q)."""
    from mlsd_cli.changes.merge import MergePlan
    from mlsd_cli.cli.prompts import choose

    by_id = _by_id(cat)
    plan = MergePlan()
    left: list[DuplicateGroup] = []
    for number, group in enumerate(groups, 1):
        echo(_describe_group(number, len(groups), group))
        members = [by_id[rid] for rid in group.ids]
        for k, resource in enumerate(members, 1):
            for line in _member_lines(resource, f"{k}) "):
                echo(line)
        action = choose("[m]erge, [n]ot duplicates, [s]kip, [q]uit", "mnsq", default="s")
        if action == "q":
            left.extend(groups[number - 1 :])
            break
        if action == "n":
            plan.distinct.append([r.id for r in members])
        elif action == "m" and (merged := _ask_merge(cat, members)):
            plan.merges.append(merged)
        else:
            left.append(group)
        echo()
    return plan, left


def _ask_merge(cat: Catalogue, members: list[Resource]) -> tuple[str, list[str]] | None:
    """Which entry survives (the richest by default) and which merge into it; then the merged
    entry, and a last yes/no (None: the group is skipped)."""
    from mlsd_cli.changes.merge import merged_entry
    from mlsd_cli.changes.merge import richest
    from mlsd_cli.cli.prompts import numbers
    from mlsd_cli.cli.prompts import say
    from mlsd_cli.cli.prompts import yes_no
    from mlsd_cli.cli.render import resource_details

    ids = [r.id for r in members]
    richer = str(richest(members) + 1)
    keep = numbers("Keep which entry (default: the one that says most)", len(ids), default=richer)
    keep_at = keep[0]
    rest = [k for k in range(1, len(ids) + 1) if k != keep_at]
    if len(rest) > 1:
        default = " ".join(map(str, rest))
        rest = [k for k in numbers("Merge which entries into it", len(ids), default=default)]
        rest = [k for k in rest if k != keep_at]
    if not rest:
        return None
    chosen = (ids[keep_at - 1], [ids[k - 1] for k in rest])
    say("Merged, it would read:")
    for line in resource_details(merged_entry(cat, *chosen), cat):
        say(f"    {line}" if line else "")
    if not yes_no(f"Merge {', '.join(chosen[1])} into {chosen[0]}?", default=True):
        say("not merged; the group is skipped")
        return None
    return chosen
