"""``mlsd search``: ranked, typo-tolerant search over the catalogue."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any

import typer

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import KindOpt
from mlsd_cli.cli.common import NoUrlOpt
from mlsd_cli.cli.common import OrgOpt
from mlsd_cli.cli.common import SectionOpt
from mlsd_cli.cli.common import SinceOpt
from mlsd_cli.cli.common import TagOpt
from mlsd_cli.cli.common import YearOpt
from mlsd_cli.cli.common import build_filter
from mlsd_cli.cli.common import console
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import load_catalogue_with_digest
from mlsd_cli.cli.common import print_json
from mlsd_cli.cli.common import stdout_is_terminal

if TYPE_CHECKING:
    from rich.text import Text

    from mlsd_cli.lookup.search import SearchHit

#: Style of the matched words on a terminal.
HIGHLIGHT = "bold underline"


@handle_errors
def command(
    query: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...", help="Words to look for (quotes optional).", show_default=False
        ),
    ],
    section: SectionOpt = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    org: OrgOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    no_url: NoUrlOpt = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most N results.")] = 20,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Search titles, tags, authors, organisations, venues, sections and descriptions.

    Results are ranked, best first: entries that contain every word (or another form of it: system/systems, recommender/recommendation, or a longer word it begins) come before entries that miss a word; titles weigh most, then tags, organisations and authors, then venues and sections, then descriptions. A word the catalogue does not contain is taken for a typo and matched to the closest words it does contain. Common words (the, of, how...) are ignored. The filters select the entries searched, as in mlsd list.

    A table on a terminal, with the matched words highlighted; one tab-separated line per result (score, id, title, url) when piped; --json for scripts (an array of resource objects, best first, each with its score from 0 to 100 and the catalogue words it matched).

    Finding nothing is not an error: mlsd says so on stderr and exits 0 (with --json it prints []). An empty query exits 2.

    [bold]Examples[/bold]

      mlsd search "feature store"

      mlsd search recomender systm

      mlsd search fraud --org Lyft --kind blog

      mlsd search grbovic --json --limit 5
    """  # noqa: E501
    from mlsd_cli.catalogue import store
    from mlsd_cli.lookup.search import cached_index
    from mlsd_cli.lookup.search import checked_query_words
    from mlsd_cli.lookup.search import query_words
    from mlsd_cli.lookup.search import search

    text = " ".join(query)
    location, cat, digest = load_catalogue_with_digest(catalogue)
    selection = build_filter(cat, section, tag, kind, org, year, since, no_url)
    checked_query_words(text)  # an empty query is an error before any indexing work
    index = cached_index(cat, location.path, digest, store.cache_dir())
    # One more than asked, to tell whether there are more.
    hits = search(cat, text, selection=selection, limit=limit + 1, index=index)
    more = len(hits) > limit
    hits = hits[:limit]
    if json_out:
        print_json([_hit_json(hit) for hit in hits])
        return
    if not hits:
        hint = "try fewer or other words" + (", or fewer filters" if not selection.empty else "")
        sys.stderr.write(f"No resources match '{' '.join(query_words(text))}'; {hint}.\n")
        return
    if not stdout_is_terminal():
        for hit in hits:
            r = hit.resource
            echo(f"{hit.score:.1f}\t{r.id}\t{r.title}\t{r.url or ''}")
        return
    out = console()
    out.print(_table(hits))
    shown = f"{len(hits)} result{'s' if len(hits) != 1 else ''}"
    if more:
        shown += f"; more with --limit {limit * 2}"
    out.print(shown, style="dim")


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    from mlsd_cli.catalogue.schema import resource_to_json

    fields = resource_to_json(hit.resource)
    obj: dict[str, Any] = {key: fields.pop(key) for key in ("id", "title", "url")}
    obj["score"] = hit.score
    obj.update(fields)
    obj["matched"] = list(hit.matched)
    return obj


def _highlighted(text: str, words: tuple[str, ...]) -> Text:
    import re

    from rich.text import Text

    rich_text = Text(text)
    if words:
        pattern = r"(?<![^\W_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W_])"
        rich_text.highlight_regex(re.compile(pattern, re.IGNORECASE), HIGHLIGHT)
    return rich_text


def _table(hits: list[SearchHit]) -> Any:
    from rich.table import Table

    from mlsd_cli.cli.render import byline

    table = Table(show_lines=False, expand=False)
    table.add_column("Score", justify="right", style="dim", no_wrap=True)
    table.add_column("ID", style="cyan", no_wrap=True, max_width=32, overflow="ellipsis")
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Org", overflow="fold", max_width=20)
    for hit in hits:
        r = hit.resource
        title = _highlighted(r.title, hit.matched)
        by = byline(r)
        if by:
            title.append("\n")
            title.append_text(_highlighted(by, hit.matched).copy())
            title.stylize("dim", len(r.title) + 1)
        table.add_row(
            f"{hit.score:.0f}", r.id, title, r.kind, _highlighted(r.org or "", hit.matched)
        )
    return table
