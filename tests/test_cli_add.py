"""``mlsd add`` end to end: with options, with answers on stdin (MLSD_INTERACTIVE=1), and
with page metadata from a real HTTP server on 127.0.0.1. Never the internet."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import slugify

from .httpserver import Reply
from .httpserver import TestServer
from .httpserver import html_page
from .httpserver import http_server  # noqa: F401

Run = Callable[..., Result]

NEW_URL = "https://netflixtechblog.com/distributed-time-travel-for-feature-generation-389cccdd3907"
NEW_TITLE = "Distributed Time Travel for Feature Generation"
UBER_URL = "https://eng.uber.com/michelangelo-machine-learning-platform/"
INTERACTIVE = {"MLSD_INTERACTIVE": "1"}


def added(path: Path, before: set[str]) -> list:  # type: ignore[type-arg]
    """The resources of the file at ``path`` whose ids are not in ``before``."""
    return [r for r in store.load(path).resources if r.id not in before]


def ids(path: Path) -> set[str]:
    return store.load(path).resource_ids()


def assert_canonical(path: Path) -> None:
    assert store.dumps(store.load(path)) == path.read_text(encoding="utf-8")


# ----------------------------------------------------------------- with options


def test_add_with_every_option(cli: Run, sample_catalogue: Path) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        NEW_URL,
        "--title",
        NEW_TITLE,
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--tag",
        "Feature Store",
        "--tag",
        "point-in-time",
        "--author",
        "Prasanna Padmanabhan",
        "--author",
        "Nitin Sharma",
        "--org",
        "Netflix",
        "--venue",
        "Netflix TechBlog",
        "--year",
        "2016",
        "--description",
        "Snapshots of online services **for** offline feature generation.",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    assert "distributed-time-travel-for-feature-generation" in result.stdout
    [new] = added(sample_catalogue, before)
    assert new.id == slugify(NEW_TITLE)
    assert new.title == NEW_TITLE and new.url == NEW_URL and new.kind == "blog"
    assert new.sections == ["platforms"]
    assert new.tags == ["feature-store", "point-in-time"]
    assert new.authors == ["Prasanna Padmanabhan", "Nitin Sharma"]
    assert (new.org, new.venue, new.year) == ("Netflix", "Netflix TechBlog", 2016)
    assert new.description.startswith("Snapshots of online services")
    assert new.added == date.today()
    assert_canonical(sample_catalogue)


def test_section_by_title_and_json_output(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "add",
        NEW_URL,
        "--title",
        NEW_TITLE,
        "--kind",
        "blog",
        "--section",
        "streaming systems",
        "--json",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == slugify(NEW_TITLE)
    assert data["sections"] == ["streaming"]
    assert data["added"] == date.today().isoformat()


def test_url_less_resource(cli: Run, sample_catalogue: Path) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        "--title",
        "Designing Data-Intensive Applications",
        "--kind",
        "book",
        "--section",
        "platforms",
        "--author",
        "Martin Kleppmann",
        "--year",
        "2017",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    [new] = added(sample_catalogue, before)
    assert new.url is None and new.kind == "book" and new.year == 2017


def test_id_is_made_unique(cli: Run, sample_catalogue: Path) -> None:
    # "The Log" slugifies to the id of an existing entry (whose title is much longer).
    result = cli(
        "add",
        "https://example.org/the-log-talk",
        "--title",
        "The Log",
        "--kind",
        "talk",
        "--section",
        "streaming",
        "--force",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    assert "the-log-2" in ids(sample_catalogue)


@pytest.mark.parametrize(
    "variant",
    [
        UBER_URL,
        "http://eng.uber.com/michelangelo-machine-learning-platform",
        "https://www.eng.uber.com/michelangelo-machine-learning-platform/?utm_source=twitter&utm_medium=social",
        "https://ENG.UBER.COM/michelangelo-machine-learning-platform/#top",
    ],
)
def test_same_url_is_refused_even_with_force(
    cli: Run, sample_catalogue: Path, variant: str
) -> None:
    before = sample_catalogue.read_bytes()
    for extra in ([], ["--force"]):
        result = cli(
            "add",
            variant,
            "--title",
            "Meet Michelangelo, again",
            "--kind",
            "blog",
            "--section",
            "platforms",
            "--yes",
            "--no-fetch",
            *extra,
            "-c",
            str(sample_catalogue),
        )
        assert result.exit_code == 1, result.stderr
        assert "ubers-michelangelo" in result.stderr
        assert "same-url" in result.stderr
        assert "mlsd edit ubers-michelangelo --add-section" in result.stderr
        assert "Traceback" not in result.stderr
        assert sample_catalogue.read_bytes() == before


def test_similar_title_is_refused_without_force(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    args = (
        "add",
        "https://www.uber.com/blog/michelangelo/",
        "--title",
        "Ubers Michelangelo",
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    refused = cli(*args)
    assert refused.exit_code == 1
    assert "ubers-michelangelo" in refused.stderr
    assert "similar-title" in refused.stderr and "score" in refused.stderr
    assert "--force" in refused.stderr
    assert sample_catalogue.read_bytes() == before

    accepted = cli(*args, "--force")
    assert accepted.exit_code == 0, accepted.stderr
    assert "ubers-michelangelo-2" in ids(sample_catalogue)
    assert_canonical(sample_catalogue)


def test_duplicate_refusal_as_json(cli: Run, sample_catalogue: Path) -> None:
    result = cli(
        "add",
        UBER_URL,
        "--title",
        "x",
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--json",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["error"].startswith("already in the catalogue as 'ubers-michelangelo' (same URL)")
    assert data["duplicates"][0]["id"] == "ubers-michelangelo"
    assert "same-url" in data["duplicates"][0]["reasons"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "blog", "--section", "platforms"], "--title"),
        (["--title", "New thing", "--section", "platforms"], "--kind"),
        (["--title", "New thing", "--kind", "blog"], "--section"),
    ],
)
def test_missing_field_without_terminal_is_exit_2(
    cli: Run, sample_catalogue: Path, args: list[str], message: str
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("add", *args, "--yes", "--no-fetch", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlsd: error: missing")
    assert message in lines[0]
    assert sample_catalogue.read_bytes() == before


def test_kind_is_guessed_from_the_url(cli: Run, sample_catalogue: Path) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        "https://arxiv.org/abs/1706.04599",
        "--title",
        "On Calibration of Modern Neural Networks",
        "--section",
        "platforms",
        "--yes",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    assert added(sample_catalogue, before)[0].kind == "paper"


def test_without_terminal_and_without_yes_asks_for_yes(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        NEW_URL,
        "--title",
        NEW_TITLE,
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 2
    assert "no terminal" in result.stderr and "--yes" in result.stderr
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ftp://example.org/x", "--title", "T", "--kind", "blog", "--section", "platforms"],
            "ftp",
        ),
        (["--title", "T", "--kind", "papr", "--section", "platforms"], "unknown kind"),
        (["--title", "T", "--kind", "blog", "--section", "platfroms"], "did you mean 'platforms'"),
        (
            ["--title", "T", "--kind", "blog", "--section", "platforms", "--year", "17"],
            "four-digit",
        ),
    ],
)
def test_bad_values_are_exit_2(
    cli: Run, sample_catalogue: Path, args: list[str], message: str
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli("add", *args, "--yes", "--no-fetch", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sample_catalogue.read_bytes() == before


def test_shipped_catalogue_is_read_only(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no resources.toml here or above: the shipped one is used
    shipped = store.find_catalogue(None).path
    before = shipped.read_bytes()
    result = cli(
        "add",
        NEW_URL,
        "--title",
        NEW_TITLE,
        "--kind",
        "blog",
        "--section",
        "x",
        "--yes",
        "--no-fetch",
    )
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert shipped.read_bytes() == before


def test_missing_field_in_a_real_process_does_not_wait_for_input(
    sample_catalogue: Path, mlsd_exe: list[str]
) -> None:
    """stdin is a pipe that stays open: a command waiting for input would hang here."""
    before = sample_catalogue.read_bytes()
    proc = subprocess.Popen(
        [*mlsd_exe, "add", NEW_URL, "--kind", "blog", "-c", str(sample_catalogue), "--no-fetch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, error = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 2
    assert out == ""
    assert error.count("\n") == 1 and "--title" in error and "--yes" in error
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- answers on stdin

# URL, title, kind, sections, tags, authors, org, year, description, confirmation
FULL_ANSWERS = [
    NEW_URL,
    NEW_TITLE,
    "",  # kind: the default (blog)
    "1, streaming systems",
    "Feature Store, time-travel",
    "Prasanna Padmanabhan, Nitin Sharma",
    "Netflix",
    "2016",
    "Snapshots of online services.",
    "y",
]


def lines(*answers: str) -> str:
    return "".join(a + "\n" for a in answers)


def test_interactive_full_flow(cli: Run, sample_catalogue: Path) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
        input=lines(*FULL_ANSWERS),
        env=INTERACTIVE,
    )
    assert result.exit_code == 0, result.stderr
    for prompt in (
        "URL",
        "Title",
        "Kind",
        "Sections",
        "Tags",
        "Authors",
        "Organisation",
        "Year",
        "Description",
        "About to add",
        "Add it?",
    ):
        assert prompt in result.stderr
    [new] = added(sample_catalogue, before)
    assert new.title == NEW_TITLE and new.url == NEW_URL and new.kind == "blog"
    assert new.sections == ["platforms", "streaming"]
    assert new.tags == ["feature-store", "time-travel"]
    assert new.authors == ["Prasanna Padmanabhan", "Nitin Sharma"]
    assert (new.org, new.year) == ("Netflix", 2016)
    assert new.description == "Snapshots of online services."
    assert_canonical(sample_catalogue)


def test_interactive_reasks_a_bad_answer(cli: Run, sample_catalogue: Path) -> None:
    answers = [
        "ftp://nope",
        NEW_URL,  # a bad URL, then a good one
        NEW_TITLE,
        "papr",
        "paper",  # kind
        "nowhere",
        "n",
        "platforms",  # an unknown section, not created; then a known one
        "",
        "",
        "",  # tags, authors, org
        "17",
        "2016",  # year
        "",  # description
        "y",
    ]
    before = ids(sample_catalogue)
    result = cli(
        "add", "--no-fetch", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE
    )
    assert result.exit_code == 0, result.stderr
    assert "ftp" in result.stderr and "unknown kind" in result.stderr
    assert "There is no section 'nowhere'" in result.stderr
    [new] = added(sample_catalogue, before)
    assert (new.kind, new.sections, new.year) == ("paper", ["platforms"], 2016)


def test_interactive_creates_a_section_only_when_confirmed(
    cli: Run, sample_catalogue: Path
) -> None:
    answers = list(FULL_ANSWERS)
    answers[3:4] = ["Feature stores", "y"]
    before = ids(sample_catalogue)
    result = cli(
        "add", "--no-fetch", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE
    )
    assert result.exit_code == 0, result.stderr
    catalogue = store.load(sample_catalogue)
    section = catalogue.section("feature-stores")
    assert section is not None and section.title == "Feature stores"
    [new] = added(sample_catalogue, before)
    assert new.sections == ["feature-stores"]


def test_interactive_flags_skip_their_prompts(cli: Run, sample_catalogue: Path) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        NEW_URL,
        "--title",
        NEW_TITLE,
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--tag",
        "feature-store",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
        input=lines("", "", "", "", "y"),  # authors, org, year, description, confirmation
        env=INTERACTIVE,
    )
    assert result.exit_code == 0, result.stderr
    assert "Title" not in result.stderr.split("About to add")[0]
    [new] = added(sample_catalogue, before)
    assert new.sections == ["platforms"] and new.authors == [] and new.org is None


def test_interactive_near_duplicate_tag_is_offered(cli: Run, sample_catalogue: Path) -> None:
    answers = list(FULL_ANSWERS)
    answers[4:5] = ["ml-platforms", "y"]  # the catalogue has "ml-platform"
    before = ids(sample_catalogue)
    result = cli(
        "add", "--no-fetch", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE
    )
    assert result.exit_code == 0, result.stderr
    assert "new tag 'ml-platforms' looks like existing 'ml-platform'. Use 'ml-platform'?" in (
        result.stderr
    )
    assert added(sample_catalogue, before)[0].tags == ["ml-platform"]


def test_interactive_same_url_stops_at_once(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
        input=lines(UBER_URL + "?utm_source=newsletter"),
        env=INTERACTIVE,
    )
    assert result.exit_code == 1
    assert "ubers-michelangelo" in result.stderr
    assert "Title" not in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_interactive_duplicate_warning_declined(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
        input=lines("https://www.uber.com/blog/michelangelo/", "Ubers Michelangelo", "n"),
        env=INTERACTIVE,
    )
    assert result.exit_code == 0  # declining is an answer, not an error
    assert "ubers-michelangelo" in result.stderr and "Add it anyway?" in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last == "not added (it may duplicate ubers-michelangelo); nothing was written"
    assert sample_catalogue.read_bytes() == before


def test_interactive_duplicate_warning_accepted(cli: Run, sample_catalogue: Path) -> None:
    answers = list(FULL_ANSWERS)
    answers[0:2] = ["https://www.uber.com/blog/michelangelo/", "Ubers Michelangelo", "y"]
    result = cli(
        "add", "--no-fetch", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE
    )
    assert result.exit_code == 0, result.stderr
    assert "ubers-michelangelo-2" in ids(sample_catalogue)


def test_interactive_final_confirmation_declined(cli: Run, sample_catalogue: Path) -> None:
    before = sample_catalogue.read_bytes()
    answers = [*FULL_ANSWERS[:-1], "n"]
    result = cli(
        "add", "--no-fetch", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE
    )
    assert result.exit_code == 0  # declining is an answer, not an error
    assert result.stderr.splitlines()[-1] == "not added; nothing was written"
    assert "error" not in result.stderr
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize("answered", [0, 1, 4, 8, 9])
def test_interactive_end_of_input_writes_nothing(
    cli: Run, sample_catalogue: Path, answered: int
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        "--no-fetch",
        "-c",
        str(sample_catalogue),
        input=lines(*FULL_ANSWERS[:answered]),
        env=INTERACTIVE,
    )
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert sample_catalogue.read_bytes() == before


# ----------------------------------------------------------------- page metadata

PAGE = html_page(
    title="Distributed Time Travel | Netflix TechBlog",
    meta=[
        ("property", "og:title", NEW_TITLE),
        ("property", "og:description", "How Netflix snapshots online services."),
        ("property", "og:site_name", "Netflix TechBlog"),
        ("name", "author", "Prasanna Padmanabhan"),
        ("property", "article:published_time", "2016-02-03T10:00:00Z"),
    ],
)


def test_metadata_prefills_the_options_left_out(
    cli: Run,
    sample_catalogue: Path,
    http_server: TestServer,  # noqa: F811
) -> None:
    http_server.route("/time-travel", Reply(200, PAGE))
    url = http_server.url("/time-travel")
    before = ids(sample_catalogue)
    result = cli(
        "add",
        url,
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--org",
        "Netflix",
        "--yes",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    assert http_server.count("/time-travel") >= 1
    [new] = added(sample_catalogue, before)
    assert new.url == url
    assert new.title == NEW_TITLE
    assert new.description == "How Netflix snapshots online services."
    assert new.authors == ["Prasanna Padmanabhan"]
    assert new.year == 2016
    assert new.org == "Netflix"  # the option wins over og:site_name


def test_options_win_over_metadata(
    cli: Run,
    sample_catalogue: Path,
    http_server: TestServer,  # noqa: F811
) -> None:
    http_server.route("/p", Reply(200, PAGE))
    before = ids(sample_catalogue)
    result = cli(
        "add",
        http_server.url("/p"),
        "--title",
        "My own title",
        "--year",
        "2017",
        "--kind",
        "talk",
        "--section",
        "platforms",
        "--yes",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    [new] = added(sample_catalogue, before)
    assert (new.title, new.year, new.kind) == ("My own title", 2017, "talk")
    assert new.org == "Netflix TechBlog"


def test_duplicate_check_uses_the_fetched_title(
    cli: Run,
    sample_catalogue: Path,
    http_server: TestServer,  # noqa: F811
) -> None:
    http_server.route(
        "/uber", Reply(200, html_page(meta=[("property", "og:title", "Uber's Michelangelo")]))
    )
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        http_server.url("/uber"),
        "--title",
        "An ML platform at a ride-hailing company",
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--yes",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 1
    assert "ubers-michelangelo" in result.stderr
    assert sample_catalogue.read_bytes() == before


def test_failed_fetch_warns_and_falls_back(
    cli: Run,
    sample_catalogue: Path,
    http_server: TestServer,  # noqa: F811
) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        http_server.url("/gone"),
        "--title",
        NEW_TITLE,
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--yes",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "404" in warnings[0]
    assert added(sample_catalogue, before)[0].title == NEW_TITLE


def test_failed_fetch_without_title_is_exit_2(
    cli: Run,
    sample_catalogue: Path,
    http_server: TestServer,  # noqa: F811
) -> None:
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        http_server.url("/gone"),
        "--kind",
        "blog",
        "--section",
        "platforms",
        "--yes",
        "-c",
        str(sample_catalogue),
    )
    assert result.exit_code == 2
    assert "--title" in result.stderr.splitlines()[-1]
    assert sample_catalogue.read_bytes() == before


def test_interactive_defaults_come_from_the_page(
    cli: Run,
    sample_catalogue: Path,
    http_server: TestServer,  # noqa: F811
) -> None:
    http_server.route("/time-travel", Reply(200, PAGE))
    url = http_server.url("/time-travel")
    before = ids(sample_catalogue)
    # Enter everywhere except sections, tags (no default) and the org (cleared with "-").
    answers = [url, "", "", "platforms", "", "", "-", "", "", "y"]
    result = cli("add", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE)
    assert result.exit_code == 0, result.stderr
    assert f"[{NEW_TITLE}]" in result.stderr
    [new] = added(sample_catalogue, before)
    assert new.title == NEW_TITLE and new.kind == "blog" and new.year == 2016
    assert new.authors == ["Prasanna Padmanabhan"] and new.org is None
    assert new.description == "How Netflix snapshots online services."


# ----------------------------------------------------------------- tags and names (issue 8)


def test_a_tag_with_no_letters_is_refused_not_dropped(cli: Run, sample_catalogue: Path) -> None:
    """`add --tag '!!!'` silently dropped the tag where `mlsd tag` refused it."""
    before = sample_catalogue.read_bytes()
    result = cli(
        "add",
        *("--title", "T", "--kind", "blog", "--section", "platforms", "--tag", "!!!"),
        *("--no-fetch", "--yes", "-c", str(sample_catalogue)),
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "mlsd: error: --tag: tag '!!!' has no letters or digits; a tag is words joined by '-', "
        "such as feature-store\n"
    )
    assert sample_catalogue.read_bytes() == before


def test_interactive_add_keeps_a_non_ascii_tag_and_refuses_an_empty_one(
    cli: Run, sample_catalogue: Path
) -> None:
    """The tags prompt dropped `ранжирование` without a word."""
    answers = list(FULL_ANSWERS)
    answers[4:5] = ["!!!", "Ранжирование, 推荐 系统"]  # refused, then asked again
    before = ids(sample_catalogue)
    result = cli(
        "add", "--no-fetch", "-c", str(sample_catalogue), input=lines(*answers), env=INTERACTIVE
    )
    assert result.exit_code == 0, result.stderr
    assert "  tag '!!!' has no letters or digits;" in result.stderr
    [new] = added(sample_catalogue, before)
    assert new.tags == ["ранжирование", "推荐-系统"]


def test_a_section_prefix_is_the_section_list_reads(cli: Run, sample_catalogue: Path) -> None:
    before = ids(sample_catalogue)
    result = cli(
        "add",
        *("--title", "T", "--kind", "pap", "--section", "stream", "--no-fetch", "--yes"),
        *("-c", str(sample_catalogue)),
    )
    assert result.exit_code == 0, result.stderr
    [new] = added(sample_catalogue, before)
    assert new.sections == ["streaming"] and new.kind == "paper"
    listed = cli("list", "--section", "stream", "--json", "-c", str(sample_catalogue))
    assert new.id in [r["id"] for r in json.loads(listed.stdout)]


def test_missing_fields_name_the_options_of_add(cli: Run, sample_catalogue: Path) -> None:
    result = cli("add", "--kind", "blog", "--no-fetch", "--yes", "-c", str(sample_catalogue))
    assert result.exit_code == 2
    assert result.stderr == "mlsd: error: missing title and sections; pass --title, --section\n"
