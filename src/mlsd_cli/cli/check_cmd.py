"""``mlsd check``: dead and moved links, remembered across runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Any

import typer

from mlsd_cli.cli.common import CatalogueOpt
from mlsd_cli.cli.common import JsonOpt
from mlsd_cli.cli.common import KindOpt
from mlsd_cli.cli.common import OrgOpt
from mlsd_cli.cli.common import SectionOpt
from mlsd_cli.cli.common import SinceOpt
from mlsd_cli.cli.common import TagOpt
from mlsd_cli.cli.common import YearOpt
from mlsd_cli.cli.common import YesOpt
from mlsd_cli.cli.common import build_filter
from mlsd_cli.cli.common import console
from mlsd_cli.cli.common import echo
from mlsd_cli.cli.common import err
from mlsd_cli.cli.common import handle_errors
from mlsd_cli.cli.common import has_findings
from mlsd_cli.cli.common import load_catalogue
from mlsd_cli.cli.common import print_json_text
from mlsd_cli.cli.common import stdout_is_terminal
from mlsd_cli.cli.prompts import require_terminal
from mlsd_cli.cli.prompts import yes_no
from mlsd_cli.errors import CatalogueError

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.progress import TaskID

    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.store import CatalogueLocation
    from mlsd_cli.changes.redirects import Move
    from mlsd_cli.web.catalogue_check import CheckReport
    from mlsd_cli.web.results import LinkResult


class StateNotSaved(CatalogueError):
    """The link state could not be saved: reported after the run's results (exit 2); with
    --json the one document holds the results and the error."""

    def __init__(self, message: str, document: dict[str, Any] | None = None) -> None:
        hint = "make that path a writable file (move away what is there), then check again"
        super().__init__(message, hint=hint)
        self.document = document

    def json_details(self) -> dict[str, Any] | None:
        return self.document


@handle_errors
def command(
    section: SectionOpt = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    org: OrgOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Requests in flight at most.")
    ] = 16,
    per_host: Annotated[
        int, typer.Option("--per-host", help="Requests in flight to one host at most.")
    ] = 4,
    host_delay: Annotated[
        float,
        typer.Option(
            "--host-delay", help="Seconds between the starts of two requests to one host."
        ),
    ] = 0.1,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Seconds one attempt on a link may take (connect, read and in total).",
        ),
    ] = 10.0,
    retries: Annotated[
        int,
        typer.Option("--retries", help="Retries after 429, 5xx and timeouts."),
    ] = 2,
    backoff: Annotated[
        float,
        typer.Option(
            "--backoff",
            help="Seconds before the first retry; doubles each time (Retry-After wins).",
        ),
    ] = 1.0,
    accept: Annotated[
        str,
        typer.Option("--accept", help="Status codes that mean the link works: 200..299,403."),
    ] = "200..299",
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", "-x", help="Skip URLs matching this regular expression. Repeatable."
        ),
    ] = None,
    dead_after: Annotated[
        int,
        typer.Option(
            "--dead-after", help="Call a link dead after this many failing runs in a row."
        ),
    ] = 2,
    max_age: Annotated[
        str | None,
        typer.Option("--max-age", help="Skip links checked OK within this time: 30m, 12h, 7d, 2w."),
    ] = None,
    fix_redirects: Annotated[
        bool,
        typer.Option(
            "--fix-redirects",
            help="Rewrite permanently moved URLs (301/308) in the catalogue, after asking.",
        ),
    ] = False,
    suggest_archive: Annotated[
        bool,
        typer.Option(
            "--suggest-archive",
            help="For each dead link, ask the Wayback Machine for an archived copy.",
        ),
    ] = False,
    fix_dead: Annotated[
        bool,
        typer.Option(
            "--fix-dead",
            help="For each dead link, replace it with its archived copy or tag it 'dead', "
            "after asking (--yes: the copy where there is one, else the tag).",
        ),
    ] = False,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            help="Also append the report as markdown to this file ($GITHUB_STEP_SUMMARY).",
            metavar="FILE",
        ),
    ] = None,
    yes: YesOpt = False,
    json_out: JsonOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Check the resources' links: dead, failing, moved, or blocked by bot protection.

    Checks every URL of the catalogue (or those the filters select) concurrently, HEAD first and GET when a server mishandles HEAD, with retries on 429, 5xx and timeouts. Results are remembered in .mlsd/linkstate.json beside the catalogue: a link is dead only after --dead-after failing runs in a row (before that it is failing), 403 and 429 that persist are soft (a warning), and permanent redirects are listed (--fix-redirects rewrites them).

    Exit status: 1 when a link is dead, 0 otherwise. See docs/check.md for --json and the state file.

    [bold]Examples[/bold]

      mlsd check

      mlsd check --section "Chapter 6" --max-age 7d

      mlsd check --exclude 'linkedin\\.com' --accept 200..299,999

      mlsd check --fix-redirects --yes

      mlsd check --json > links.json

      mlsd check --summary "$GITHUB_STEP_SUMMARY"

      mlsd check --suggest-archive
    """  # noqa: E501
    import sys

    from mlsd_cli.cli.options import compile_excludes
    from mlsd_cli.cli.options import parse_duration
    from mlsd_cli.cli.options import parse_status_codes
    from mlsd_cli.lookup.filters import apply
    from mlsd_cli.web.catalogue_check import check_catalogue
    from mlsd_cli.web.checker import CheckOptions

    options = CheckOptions(
        concurrency=concurrency,
        per_host=per_host,
        host_delay=host_delay,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        accept=parse_status_codes(accept),
    )
    excludes = compile_excludes(exclude or ())
    age = parse_duration(max_age) if max_age else None
    location, cat = load_catalogue(catalogue)
    resources = apply(cat, build_filter(cat, section, tag, kind, org, year, since, False))
    if fix_redirects or fix_dead:
        flag = "--fix-redirects" if fix_redirects else "--fix-dead"
        _may_rewrite(location, flag, yes=yes, json_out=json_out)
    if summary is not None:
        _append_summary(summary, "")  # a path that cannot be written fails before the run
    with _Progress(enabled=sys.stderr.isatty()) as progress:
        report = check_catalogue(
            location,
            resources,
            options,
            all_urls=[r.url for r in cat.resources if r.url],
            dead_after=dead_after,
            max_age=age,
            exclude=excludes,
            on_start=progress.start,
            on_result=progress.advance,
            render_json=json_out,
        )
    if report.state_warning:
        err(f"warning: {report.state_warning}")
    if suggest_archive or fix_dead:
        _ask_archive(report, timeout)
    if summary is not None:
        from mlsd_cli.web.catalogue_check import markdown_summary

        _append_summary(summary, markdown_summary(report))
    has_findings(report.has_dead)
    _rewrite_and_print(location, cat, report, fix=fix_redirects, yes=yes, json_out=json_out)
    if fix_dead:
        _fix_dead(location, cat, report, yes=yes, json_out=json_out)
    if report.state_error:  # the results are out; the lost state is the command's error
        raise StateNotSaved(report.state_error)


def _may_rewrite(location: CatalogueLocation, flag: str, *, yes: bool, json_out: bool) -> None:
    """Refuse --fix-redirects or --fix-dead (``flag``) up front when it could not write or
    could not ask."""
    from mlsd_cli.catalogue import store
    from mlsd_cli.errors import InputError

    store.ensure_writable(location)
    if not yes and json_out:
        raise InputError(f"{flag} with --json cannot ask for confirmation", hint="add --yes")
    if not yes:
        require_terminal(flag, hint="add --yes")


def _rewrite_and_print(
    location: CatalogueLocation,
    cat: Catalogue,
    report: CheckReport,
    *,
    fix: bool,
    yes: bool,
    json_out: bool,
) -> None:
    """Print the report; with --fix-redirects, rewrite the moved URLs (--yes, or after asking)."""
    from mlsd_cli.cli.prompts import Declined

    moves = report.moves() if fix else {}
    fixed = _rewrite(location, moves, cat) if moves and yes else []
    if json_out:
        if report.state_error:
            raise StateNotSaved(report.state_error, report.to_json(fixed))
        print_json_text(report.json_text(fixed))
        return
    _print_report(report, fix_redirects=fix)
    _print_archives(report)
    if moves and not yes:
        plural = "s" if len(moves) != 1 else ""
        if not yes_no(f"Rewrite {len(moves)} moved URL{plural} in {location.path}?", default=False):
            raise Declined("not rewritten; nothing was written")
        fixed = _rewrite(location, moves, cat)
    if fixed:
        echo(f"Rewrote {len(fixed)} URL{'s' if len(fixed) != 1 else ''} in {location.path}.")


def _rewrite(location: CatalogueLocation, moves: dict[str, str], cat: Catalogue) -> list[Move]:
    """Rewrite the moved URLs (the writing code is imported only when something moved)."""
    from mlsd_cli.changes.redirects import fix_redirects

    return fix_redirects(location, moves, cat)


def _ask_archive(report: CheckReport, timeout: float) -> None:
    """Ask the Wayback Machine about the dead links; keep the answers on the report."""
    from mlsd_cli.web.archive import find_snapshots

    dead = [link.url for link in report.links if link.verdict == "dead"]
    answers = find_snapshots(dead, timeout=timeout)
    for url, why in answers.errors.items():
        err(f"warning: could not ask the archive about {url}: {why}")
    report.archives = answers.snapshots


def _fix_dead(
    location: CatalogueLocation, cat: Catalogue, report: CheckReport, *, yes: bool, json_out: bool
) -> None:
    """--fix-dead: per dead link, the archived copy (r), the 'dead' tag (d) or nothing (s),
    then one confirmation and one write (--yes: no questions)."""
    from mlsd_cli.changes.deadlinks import fix_dead
    from mlsd_cli.cli.prompts import Declined
    from mlsd_cli.cli.prompts import choose

    chosen: dict[str, str | None] = {}
    for url, snapshot in (report.archives or {}).items():
        if yes:
            chosen[url] = snapshot.url if snapshot else None
            continue
        if snapshot:
            question = (
                f"{url}: replace with the copy of {snapshot.date} (r), tag dead (d), skip (s)?"
            )
            answer = choose(question, "rds", default="r")
        else:
            answer = choose(
                f"{url}: no archived copy; tag dead (d) or skip (s)?", "ds", default="d"
            )
        if answer != "s":
            chosen[url] = snapshot.url if answer == "r" and snapshot else None
    if not chosen:
        return
    if not yes and not yes_no(f"Write {len(chosen)} change(s) to {location.path}?", default=False):
        raise Declined("not changed; nothing was written")
    done = fix_dead(location, chosen, cat)
    if done and not json_out:
        replaced = sum(1 for _rid, _url, copy in done if copy)
        tagged = len(done) - replaced
        echo(f"Replaced {replaced} dead URL(s) with archived copies; tagged {tagged} dead.")


def _print_archives(report: CheckReport) -> None:
    """The archived copies found for dead links (plain: one tab-separated line each)."""
    if report.archives is None:
        return
    for url, snapshot in report.archives.items():
        if stdout_is_terminal():
            found = f"archived {snapshot.date}: {snapshot.url}" if snapshot else "no archived copy"
            console().print(f"{url}\n  {found}", markup=False, highlight=False)
        else:
            fields = (
                ["archive", snapshot.date, url, snapshot.url]
                if snapshot
                else ["archive", "-", url, "-"]
            )
            echo("\t".join(fields))


def _append_summary(path: Path, text: str) -> None:
    """Append ``text`` to ``path`` (GitHub's step summary is appended to, never replaced)."""
    from mlsd_cli.errors import InputError

    try:
        with path.open("a", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise InputError(
            f"cannot write the summary to {path}: {exc.strerror}", field="summary"
        ) from exc


class _Progress:
    """A rich progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.failing = 0

    def start(self, total: int) -> None:
        if not self.enabled or total == 0:
            return
        from rich.progress import BarColumn
        from rich.progress import MofNCompleteColumn
        from rich.progress import Progress
        from rich.progress import TextColumn
        from rich.progress import TimeElapsedColumn

        self.bar = Progress(
            TextColumn("Checking links"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[failing]}"),
            console=console(stderr=True),
            transient=True,
            # the console writes through a stream that looks up sys.stderr at each write: a
            # Live that redirected sys.stderr into itself would write into itself forever
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.bar.add_task("check", total=total, failing="")
        self.bar.start()

    def advance(self, result: LinkResult) -> None:
        if self.bar is None or self.task is None:
            return
        if result.failed:
            self.failing += 1
        failing = f"{self.failing} failing" if self.failing else ""
        self.bar.update(self.task, advance=1, failing=failing)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print_report(report: CheckReport, *, fix_redirects: bool) -> None:
    from mlsd_cli.web.catalogue_check import link_detail
    from mlsd_cli.web.catalogue_check import link_label
    from mlsd_cli.web.catalogue_check import link_status
    from mlsd_cli.web.catalogue_check import problems as find_problems

    problems = find_problems(report)
    counts = report.counts()
    moved = sum(1 for link in problems if link.verdict == "redirected")
    if not stdout_is_terminal():
        for link in problems:
            status = link_status(link)
            label = link_label(link, report.dead_after)
            echo(
                "\t".join(
                    [
                        label,
                        status,
                        link.url,
                        ",".join(link.resources),
                        link_detail(link),
                    ]
                )
            )
        echo("  ".join(f"{name} {count}" for name, count in counts.items()))
        if moved and not fix_redirects:
            echo(f"{moved} moved permanently: mlsd check --fix-redirects rewrites them")
        return

    from rich.table import Table

    out = console()
    if not report.links:
        out.print("No links to check.")
        return
    if problems:
        table = Table(title="Links to look at", title_justify="left")
        table.add_column("", no_wrap=True)
        table.add_column("Status", justify="right", no_wrap=True)
        table.add_column("URL", overflow="fold", ratio=3)
        table.add_column("Resource", overflow="fold", max_width=28)
        table.add_column("Detail", overflow="fold", ratio=2)
        styles = {"dead": "bold red", "failing": "yellow", "soft": "magenta", "redirected": "cyan"}
        for link in problems:
            status = link_status(link)
            table.add_row(
                f"[{styles[link.verdict]}]{link_label(link, report.dead_after)}[/]",
                status,
                link.url,
                ", ".join(link.resources),
                link_detail(link),
            )
        out.print(table)
    summary = Table(title="Summary", title_justify="left")
    for name in counts:
        summary.add_column(name, justify="right")
    summary.add_row(*(str(count) for count in counts.values()))
    out.print(summary)
    if moved and not fix_redirects:
        out.print(f"{moved} moved permanently: [bold]mlsd check --fix-redirects[/] rewrites them")
    out.print(f"State: {report.state_file}", style="dim")
