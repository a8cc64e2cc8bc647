"""``mlsd search``: ranked, typo-tolerant search over the catalogue."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any

import typer
from typer.core import TyperCommand

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

#: A dash and two letters or more that name no option: a word to leave out (``-store``).
_EXCLUDED = re.compile(r"-[^\W\d_]{2}")


class SearchCommand(TyperCommand):
    """``mlsd search``: ``-word`` (a word to leave out) is a query word, not an unknown option.

    Such words move behind ``--`` before parsing (their place in the query does not matter).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        names = {n for p in self.params for n in (*p.opts, *p.secondary_opts)}
        end = args.index("--") if "--" in args else len(args)
        excluded = [a for a in args[:end] if _EXCLUDED.match(a) and a.split("=")[0] not in names]
        if excluded:
            kept = [a for a in args[:end] if a not in excluded]
            args = [*kept, "--", *args[end + 1 :], *excluded]
        return super().parse_args(ctx, args)


COMMAND_CLASS = SearchCommand


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
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most N results (0: every one).")
    ] = 20,
    every: Annotated[bool, typer.Option("--all", help="Every result (no --limit).")] = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Search titles, tags, authors, organisations, venues, sections, descriptions and URLs.

    Results are ranked, best first: entries that contain every word (or another form or spelling of it: system/systems, recommender/recommendation, personalisation/personalization, or a longer word it begins) come before entries that miss a word. Evidence adds up across fields: titles weigh most, then tags, organisations and authors, then venues and sections, then descriptions, then the words of the URL's path. The field's vocabulary counts a little under the word itself: recsys finds "recommender systems", CTR "click-through rate", LLM "large language model" (see docs/search.md; a catalogue adds its own in NAME.vocabulary.toml beside it). A word the catalogue does not contain is taken for a typo and matched to the closest words it does contain. Common words (the, of, how...) are ignored. Han, kana and hangul are matched by pairs of characters.

    Query syntax: "a phrase" (quoted inside the shell's quotes: '"feature store"'); -word or -"a phrase" leaves out the entries containing it; a OR b; author:huyen, org:netflix, tag:feature-store, section:ranking, title:kafka, venue:kdd (the word in that field); kind:paper; year:2019, year:2019..2021, year:2019.., year:..2021. A dash and two letters or more that name no option are a word to leave out, so write a short option's value apart (-k blog). The filters select the entries searched, as in mlsd list.

    A table on a terminal, with the matched words highlighted; one tab-separated line per result (score, id, title, url) when piped; --json for scripts (an array of resource objects, best first, each with its score from 0 to 100 and the catalogue words it matched). When more results than --limit match, stderr says so (on a terminal and piped); --all or --limit 0 shows every one.

    Finding nothing is not an error: mlsd says so on stderr and exits 0 (with --json it prints []); so does a query of common words only. An empty query exits 2.

    [bold]Examples[/bold]

      mlsd search "feature store"

      mlsd search recomender systm

      mlsd search fraud --org Lyft --kind blog

      mlsd search ranking -airbnb year:2018..

      mlsd search author:grbovic --json --all
    """  # noqa: E501
    from mlsd_cli.catalogue import store
    from mlsd_cli.lookup.query import parse
    from mlsd_cli.lookup.search import cached_index
    from mlsd_cli.lookup.search import search
    from mlsd_cli.lookup.vocabulary import load

    text = " ".join(query)
    every = every or limit == 0
    location, cat, digest = load_catalogue_with_digest(catalogue)
    selection = build_filter(cat, section, tag, kind, org, year, since, no_url)
    vocabulary = load(location.path)
    parsed = parse(text, vocabulary)  # an empty query is an error before any indexing work
    index = cached_index(cat, location.path, digest, store.cache_dir())
    wanted = None if every else limit + 1  # one more than asked, to tell whether there are more
    hits = search(cat, text, selection=selection, limit=wanted, index=index, vocabulary=vocabulary)
    more = not every and len(hits) > limit
    hits = hits if every else hits[:limit]
    if more:
        sys.stderr.write(
            f"Showing the best {limit} results; more with --limit {limit * 2} or --all.\n"
        )
    if json_out:
        print_json([_hit_json(hit) for hit in hits])
    elif not hits:
        sys.stderr.write(_nothing_found(parsed.plain, parsed.ignored, not selection.empty) + "\n")
    elif not stdout_is_terminal():
        for hit in hits:
            r = hit.resource
            echo(f"{hit.score:.1f}\t{r.id}\t{r.title}\t{r.url or ''}")
    else:
        out = console()
        out.print(_table(hits, out.width))
        out.print(f"{len(hits)} result{'s' if len(hits) != 1 else ''}", style="dim")


def _nothing_found(words: list[str], ignored: list[str], filtered: bool) -> str:
    if not words and ignored:
        common = ", ".join(dict.fromkeys(ignored))
        return (
            f"Nothing searched: {common} are common words, which search ignores; "
            "give a more specific word."
        )
    hint = "try fewer or other words" + (", or fewer filters" if filtered else "")
    return f"No resources match '{' '.join(words)}'; {hint}."


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


def _table(hits: list[SearchHit], width: int) -> Any:
    """The hits as a table fitting ``width`` (ids in full, no empty Org column), or stacked."""
    from rich.table import Table

    from mlsd_cli.cli import render

    scores = [f"{hit.score:.1f}" for hit in hits]
    orgs = any(hit.resource.org for hit in hits)
    widths = [
        render.column_width(scores, "Score"),
        render.column_width((hit.resource.id for hit in hits), "ID"),
        render.column_width((hit.resource.kind for hit in hits), "Kind"),
    ]
    if orgs:
        widths.append(render.column_width((h.resource.org or "" for h in hits), "Org", 20))
    if not render.fits_table(width, widths):
        return render.stacked(
            (_title_cell(hit), [hit.resource.id, score, hit.resource.kind, hit.resource.org or ""])
            for hit, score in zip(hits, scores, strict=True)
        )
    table = Table(show_lines=False, expand=False)
    table.add_column("Score", justify="right", style="dim", no_wrap=True)
    table.add_column("ID", style="cyan", no_wrap=True, min_width=widths[1])
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    if orgs:
        table.add_column("Org", overflow="fold", max_width=render.ORG_WIDTH)
    for hit, score in zip(hits, scores, strict=True):
        r = hit.resource
        org = [_highlighted(r.org or "", hit.matched)] if orgs else []
        table.add_row(score, r.id, _title_cell(hit), r.kind, *org)
    return table


def _title_cell(hit: SearchHit) -> Any:
    """The title, the words found highlighted, and the byline dimmed under it."""
    from mlsd_cli.cli.render import byline

    r = hit.resource
    title = _highlighted(r.title, hit.matched)
    by = byline(r)
    if by:
        title.append("\n")
        title.append_text(_highlighted(by, hit.matched).copy())
        title.stylize("dim", len(r.title) + 1)
    return title
