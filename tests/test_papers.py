"""Papers by identifier: ``mlsd add arxiv:ID``, ``mlsd add doi:DOI`` and arXiv / doi.org URLs
filled from the arXiv API and Crossref, here a local server replaying recorded replies
(tests/data/papers; $MLSD_ARXIV_URL, $MLSD_CROSSREF_URL). Never the internet, never the
paper's own page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from typer.testing import Result

from mlsd_cli.catalogue import store
from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import InputError
from mlsd_cli.matching.known import Candidate
from mlsd_cli.matching.known import check_candidate
from mlsd_cli.matching.urls import identity_key
from mlsd_cli.matching.urls import paper_id

from .httpserver import Reply
from .httpserver import Request
from .httpserver import TestServer
from .httpserver import http_server as http_server  # the fixture

Run = Callable[..., Result]
DATA = Path(__file__).parent / "data" / "papers"
ATTENTION = (DATA / "arxiv-1706.03762.xml").read_bytes()
EMPTY_FEED = (DATA / "arxiv-empty.xml").read_bytes()
CROSSREF = (DATA / "crossref-10.1145-3240323.3240372.json").read_bytes()
CSL = (DATA / "csl-10.1145-3240323.3240372.json").read_bytes()
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json"
STECK = "/works/10.1145/3240323.3240372"
VASWANI = [
    "Ashish Vaswani",
    "Noam Shazeer",
    "Niki Parmar",
    "Jakob Uszkoreit",
    "Llion Jones",
    "Aidan N. Gomez",
    "Lukasz Kaiser",
    "Illia Polosukhin",
]
INTERACTIVE = {"MLSD_INTERACTIVE": "1"}


class Apis:
    """The replayed services: what each is asked, what it answers."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        #: arXiv id -> the Atom reply (anything else: the empty feed of an unknown id).
        self.arxiv: dict[str, bytes] = {"1706.03762": ATTENTION}
        self.asked: list[str] = []

    def answer_arxiv(self, request: Request) -> Reply:
        query = parse_qs(request.query)
        assert query["max_results"] == ["1"]
        [wanted] = query["id_list"]
        self.asked.append(wanted)
        return Reply(200, self.arxiv.get(wanted, EMPTY_FEED), content_type=ATOM)

    def calls(self) -> int:
        return len(self.server.requests)


@pytest.fixture
def apis(http_server: TestServer, monkeypatch: pytest.MonkeyPatch) -> Apis:
    apis = Apis(http_server)
    http_server.route("/api/query", apis.answer_arxiv)
    http_server.route(STECK, Reply(200, CROSSREF, content_type=JSON))
    http_server.route("/works/10.1145/0000000.0000000", Reply(404, "Resource not found."))
    monkeypatch.setenv("MLSD_ARXIV_URL", http_server.url("/api/query"))
    monkeypatch.setenv("MLSD_CROSSREF_URL", http_server.url("/works"))
    return apis


def add(cli: Run, catalogue: Path, what: str, *more: str, env: dict[str, str] | None = None,
        input: str | None = None) -> Result:  # fmt: skip
    args = ["add", what, *more, "-c", str(catalogue)]
    if input is None:
        args += ["--section", "platforms", "--yes"]
    return cli(*args, env=env, input=input)


def new_entries(path: Path, before: set[str]) -> list[Resource]:
    return [r for r in store.load(path).resources if r.id not in before]


def one_error_line(result: Result) -> str:
    """The one stderr line of a refused add (exit 2), checked to be printable."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("mlsd: error: ") and line.isprintable()
    return line


# ----------------------------------------------------------------- the identifier, in one place


@pytest.mark.parametrize(
    ("text", "key", "url"),
    [
        ("arxiv:1706.03762", "arxiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
        ("arXiv: 1706.03762v5", "arxiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
        ("https://arxiv.org/pdf/1706.03762v5", "arxiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
        ("http://export.arxiv.org/abs/1706.03762v2", "arxiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
        ("https://arxiv.org/abs/cs/0112017v1", "arxiv:cs/0112017", "https://arxiv.org/abs/cs/0112017"),
        ("arxiv:math.GT/0309136", "arxiv:math.gt/0309136", "https://arxiv.org/abs/math.GT/0309136"),
        ("doi:10.1145/3240323.3240372", "doi:10.1145/3240323.3240372", "https://doi.org/10.1145/3240323.3240372"),
        ("DOI:10.1145/3240323.3240372", "doi:10.1145/3240323.3240372", "https://doi.org/10.1145/3240323.3240372"),
        ("http://dx.doi.org/10.1145/3240323.3240372", "doi:10.1145/3240323.3240372", "https://doi.org/10.1145/3240323.3240372"),
        ("https://doi.org/10.1109/TKDE.2011.15", "doi:10.1109/tkde.2011.15", "https://doi.org/10.1109/tkde.2011.15"),
        ("https://doi.org/10.48550/arXiv.1706.03762", "arxiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
        ("doi:10.48550/arXiv.1706.03762", "arxiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
    ],
)  # fmt: skip
def test_identifiers_and_urls_name_one_paper(text: str, key: str, url: str) -> None:
    paper = paper_id(text)
    assert paper is not None
    assert (paper.key, paper.url) == (key, url)
    # The canonical URL's identity key is the identifier: the duplicate check needs no field.
    assert identity_key(paper.url) == key


@pytest.mark.parametrize(
    "text",
    [
        "https://dl.acm.org/doi/10.1145/3240323.3240372",  # a publisher's page: read as a page
        "https://arxiv.org/list/cs.LG/recent",
        "https://example.com/arxiv:1706.03762",
        "ftp://arxiv.org/abs/1706.03762",
    ],
)
def test_other_addresses_are_not_paper_identifiers(text: str) -> None:
    assert paper_id(text) is None


@pytest.mark.parametrize(
    "text", ["arxiv:1706.376", "arxiv:attention", "arxiv:", "doi:11.1145/x", "doi:10.1/x", "doi:"]
)
def test_a_malformed_identifier_names_the_field(text: str) -> None:
    with pytest.raises(InputError) as caught:
        paper_id(text)
    assert caught.value.field == "url" and text in str(caught.value)


def test_the_duplicate_check_sees_every_form_of_a_paper() -> None:
    """check_candidate (the one check of add, edit and import) on the canonical URL."""
    forms = {
        "pdf": "https://arxiv.org/pdf/1706.03762v7.pdf",
        "export": "http://export.arxiv.org/abs/1706.03762v1",
        "acm": "https://dl.acm.org/doi/10.1145/3240323.3240372",
        "dx": "http://dx.doi.org/10.1145/3240323.3240372",
    }
    catalogue = Catalogue(
        resources=[Resource(n, f"Paper {n}", "paper", ["s"], url=u) for n, u in forms.items()]
    )
    for text, expected in (("arxiv:1706.03762", {"pdf", "export"}),
                           ("doi:10.1145/3240323.3240372", {"acm", "dx"})):  # fmt: skip
        paper = paper_id(text)
        assert paper is not None
        verdict = check_candidate(catalogue, Candidate.of(urls=[paper.url], titles=["Other"]))
        assert {c.resource.id for c in verdict.same} == expected


# ----------------------------------------------------------------- filled from the APIs


def test_add_arxiv_id_fills_the_fields_from_the_arxiv_api(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "arxiv:1706.03762")
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert (new.title, new.kind, new.year, new.venue) == (
        "Attention Is All You Need", "paper", 2017, "arXiv"
    )  # fmt: skip
    assert new.authors == VASWANI
    assert new.url == "https://arxiv.org/abs/1706.03762"
    assert apis.asked == ["1706.03762"]
    accept = apis.server.requests[0][2]["Accept"]
    assert accept.startswith("application/atom+xml")


def test_add_doi_fills_the_fields_from_crossref(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "doi:10.1145/3240323.3240372", "--tag", "calibration")
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert (new.title, new.authors, new.year, new.kind) == (
        "Calibrated recommendations", ["Harald Steck"], 2018, "paper"
    )  # fmt: skip
    assert new.venue == "Proceedings of the 12th ACM Conference on Recommender Systems"
    assert new.url == "https://doi.org/10.1145/3240323.3240372"
    assert new.tags == ["calibration"]
    assert apis.server.count(STECK) == 1


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://arxiv.org/pdf/1706.03762v5", "Attention Is All You Need"),
        ("https://arxiv.org/abs/1706.03762v2", "Attention Is All You Need"),
        ("http://dx.doi.org/10.1145/3240323.3240372", "Calibrated recommendations"),
        ("https://doi.org/10.1145/3240323.3240372", "Calibrated recommendations"),
    ],
)
def test_an_arxiv_or_doi_url_is_read_from_the_api_not_its_page(
    cli: Run, sample_catalogue: Path, apis: Apis, url: str, title: str
) -> None:
    """The URL is a real one on the internet: were the page fetched, the test would fail
    (no network); the local API answers instead, and the canonical URL is stored."""
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, url)
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert new.title == title
    paper = paper_id(url)
    assert paper is not None and new.url == paper.url
    assert apis.calls() == 1


def test_options_win_over_what_the_api_says(cli: Run, sample_catalogue: Path, apis: Apis) -> None:
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "arxiv:1706.03762", "--venue", "NeurIPS", "--year", "2018")
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert (new.venue, new.year, new.title) == ("NeurIPS", 2018, "Attention Is All You Need")


def test_doi_content_negotiation_as_the_base(
    cli: Run, sample_catalogue: Path, apis: Apis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$MLSD_CROSSREF_URL=https://doi.org works too: the request asks for CSL JSON."""
    apis.server.route("/10.1145/3240323.3240372", Reply(200, CSL, content_type=JSON))
    monkeypatch.setenv("MLSD_CROSSREF_URL", apis.server.base_url)
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "doi:10.1145/3240323.3240372")
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert (new.title, new.authors, new.year) == (
        "Calibrated recommendations",
        ["Harald Steck"],
        2018,
    )
    [(_, path, headers)] = apis.server.requests
    assert path == "/10.1145/3240323.3240372"
    assert headers["Accept"].startswith("application/vnd.citationstyles.csl+json")


def test_interactive_add_offers_the_papers_fields(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    # title, kind, sections, tags, authors, venue, org, year, description: Enter keeps each
    # default; sections and tags have none.
    answers = ["", "", "platforms", "transformers", "", "", "", "", "", "y"]
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "arxiv:1706.03762", input="\n".join(answers) + "\n",
                 env=INTERACTIVE)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Asking arXiv about arxiv:1706.03762..." in result.stderr
    assert "[Attention Is All You Need]" in result.stderr and "Venue [arXiv]" in result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert (new.title, new.venue, new.year, new.kind) == (
        "Attention Is All You Need", "arXiv", 2017, "paper"
    )  # fmt: skip
    assert new.authors == VASWANI and new.tags == ["transformers"]


# ----------------------------------------------------------------- the same paper, once


def test_the_same_paper_twice_is_refused(cli: Run, sample_catalogue: Path, apis: Apis) -> None:
    assert add(cli, sample_catalogue, "arxiv:1706.03762").exit_code == 0
    after_first = sample_catalogue.read_bytes()
    for again in ("arxiv:1706.03762", "arxiv:1706.03762v3", "https://arxiv.org/pdf/1706.03762v1"):
        result = add(cli, sample_catalogue, again, "--force")
        assert result.exit_code == 1, (again, result.stderr)
        assert "attention-is-all-you-need" in result.stderr
    assert sample_catalogue.read_bytes() == after_first
    assert apis.asked == ["1706.03762"]  # a listed paper is refused before the API is asked


def test_papers_already_in_the_shipped_catalogue_are_caught(
    cli: Run, shipped_copy: Path, apis: Apis
) -> None:
    """It lists https://arxiv.org/abs/1706.04599 and dl.acm.org/doi/10.1145/3240323.3240372."""
    before = shipped_copy.read_bytes()
    cases = {
        "arxiv:1706.04599": "on-calibration-of-modern-neural-networks",
        "https://arxiv.org/pdf/1706.04599v2": "on-calibration-of-modern-neural-networks",
        "doi:10.1145/3240323.3240372": "calibration-for-netflix-recommendation-systems",
        "https://dx.doi.org/10.1145/3240323.3240372": "calibration-for-netflix-recommendation-systems",
    }  # fmt: skip
    for given, listed in cases.items():
        result = cli(
            "add", given, "--section", "model-evaluation", "--yes", "-c", str(shipped_copy)
        )
        assert result.exit_code == 1, (given, result.stderr)
        assert listed in result.stderr
    assert shipped_copy.read_bytes() == before
    assert apis.calls() == 0


def test_an_arxiv_paper_whose_doi_is_listed_is_the_same_resource(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    """arXiv gives the published version's DOI; an entry with that DOI is the same paper."""
    assert add(cli, sample_catalogue, "doi:10.1145/3240323.3240372").exit_code == 0
    listed = sample_catalogue.read_bytes()
    apis.arxiv["1803.00001"] = ATTENTION.replace(b"1706.03762", b"1803.00001").replace(
        b"</published>",
        b'</published>\n    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">'
        b"10.1145/3240323.3240372</arxiv:doi>",
    )
    result = add(cli, sample_catalogue, "arxiv:1803.00001")
    assert result.exit_code == 1, result.stderr
    assert "calibrated-recommendations" in result.stderr
    assert sample_catalogue.read_bytes() == listed


# ----------------------------------------------------------------- errors: one line, exit 2


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("arxiv:1706.376", "'arxiv:1706.376' is not an arXiv identifier; write it as arxiv:"),
        ("doi:10.1/x", "'doi:10.1/x' is not a DOI; write it as doi:10."),
        ("arxiv:1706.99999", "arXiv has no record of arxiv:1706.99999; check the identifier"),
        ("doi:10.1145/0000000.0000000", "Crossref has no record of doi:10.1145/0000000.0000000"),
    ],
)
def test_malformed_and_unknown_identifiers(
    cli: Run, sample_catalogue: Path, apis: Apis, given: str, said: str
) -> None:
    before = sample_catalogue.read_bytes()
    line = one_error_line(add(cli, sample_catalogue, given))
    assert said in line
    assert sample_catalogue.read_bytes() == before
    if "record" not in said:
        assert apis.calls() == 0  # a malformed identifier never reaches the network


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (Reply(200, (DATA / "arxiv-error.xml").read_bytes(), content_type=ATOM),
         "arXiv says: incorrect id format for 1706.0376; check the identifier"),
        (Reply(400, "Bad Request"), "arXiv has no record of arxiv:1706.03762"),
        (Reply(404, "Not Found"), "arXiv has no record of arxiv:1706.03762"),
    ],
)  # fmt: skip
def test_arxiv_refusing_the_id_is_one_line(
    cli: Run, sample_catalogue: Path, apis: Apis, reply: Reply, said: str
) -> None:
    """The old API's error entry (HTTP 200) and the error statuses of the new one."""
    apis.server.route("/api/query", reply)
    before = sample_catalogue.read_bytes()
    assert said in one_error_line(add(cli, sample_catalogue, "arxiv:1706.03762"))
    assert sample_catalogue.read_bytes() == before


def hostile(server: TestServer) -> dict[str, Reply]:
    feed = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    deep = b"<entry>" + b"<a>" * 200_000 + b"</a>" * 200_000 + b"</entry></feed>"
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol2;</title></entry></feed>'
    )
    return {
        "the API down": Reply(503, "Service Unavailable"),
        "a huge reply": Reply(200, feed, content_type=ATOM, endless=True),
        "deeply nested XML": Reply(200, feed + deep, content_type=ATOM),
        "XML entities": Reply(200, laughs, content_type=ATOM),
        "a raw control character": Reply(
            200, ATTENTION.replace(b"Attention Is", b"Attention\x1b[2J Is"), content_type=ATOM
        ),
        "not XML": Reply(200, "<html><body>Rate limited</body></html>", content_type="text/html"),
        "a slow answer": Reply(200, ATTENTION, content_type=ATOM, delay=30),
        "a slow drip": Reply(200, feed, content_type=ATOM, endless=True, drip=0.05),
    }


HOSTILE_SAYS = {
    "the API down": "the arXiv API answered HTTP 503 Service Unavailable; try again later",
    "a huge reply": "the arXiv API's reply is over 4 MB",
    "deeply nested XML": "arXiv has no record of arxiv:1706.03762",
    "XML entities": "the arXiv API's reply declares a DOCTYPE; it was not read",
    "a raw control character": "the arXiv API's reply is not well-formed XML",
    "not XML": "the arXiv API's reply is not an Atom feed",
    "a slow answer": "the arXiv API did not answer: timed out after 0.5 s",
    "a slow drip": "the arXiv API did not answer: timed out after 0.5 s",
}


@pytest.mark.parametrize("case", list(HOSTILE_SAYS))
def test_a_failing_or_hostile_arxiv_reply_is_one_line_and_nothing_written(
    cli: Run, sample_catalogue: Path, apis: Apis, case: str
) -> None:
    apis.server.route("/api/query", hostile(apis.server)[case])
    before = sample_catalogue.read_bytes()
    result = add(cli, sample_catalogue, "arxiv:1706.03762", env={"MLSD_FETCH_TIMEOUT": "0.5"})
    assert HOSTILE_SAYS[case] in one_error_line(result)
    assert sample_catalogue.read_bytes() == before


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "Crossref's reply is nested too deeply"),
        (b'{"status": "ok", "message": [1, 2]}', "Crossref's reply is not a record of a work"),
        (b"Resource not found", "Crossref's reply is not JSON"),
    ],
)
def test_a_hostile_crossref_reply_is_one_line_and_nothing_written(
    cli: Run, sample_catalogue: Path, apis: Apis, body: bytes, said: str
) -> None:
    apis.server.route(STECK, Reply(200, body, content_type=JSON))
    before = sample_catalogue.read_bytes()
    assert said in one_error_line(add(cli, sample_catalogue, "doi:10.1145/3240323.3240372"))
    assert sample_catalogue.read_bytes() == before


def test_the_api_unreachable_is_one_line(
    cli: Run, sample_catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestServer() as gone:
        address = gone.url("/works")
    monkeypatch.setenv("MLSD_CROSSREF_URL", address)  # nothing listens there any more
    before = sample_catalogue.read_bytes()
    line = one_error_line(add(cli, sample_catalogue, "doi:10.1145/3240323.3240372"))
    assert "cannot reach the Crossref API (connection refused)" in line
    assert sample_catalogue.read_bytes() == before


def test_control_characters_in_a_json_reply_never_reach_the_catalogue(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    """JSON may carry them escaped (valid JSON): they are dropped, as from a page."""
    reply = json.loads(CROSSREF)
    reply["message"]["title"] = ["Calibrated\u001b[31m recommen\u202edations\u0007"]
    reply["message"]["author"][0]["family"] = "Steck\u001b]8;;https://evil.test\u0007"
    reply["message"]["container-title"] = ["<i>Proc.</i> RecSys &amp; co\u0000"]
    apis.server.route(STECK, Reply(200, json.dumps(reply), content_type=JSON))
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "doi:10.1145/3240323.3240372")
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    values = [new.title, *new.authors, new.venue or "", sample_catalogue.read_text("utf-8")]
    assert all("\x1b" not in v and "\u202e" not in v and "\x07" not in v for v in values)
    assert new.title == "Calibrated [31m recommen dations"  # as from a page: a blank each
    assert new.venue == "Proc. RecSys & co"


def test_with_prompts_a_failed_api_falls_back_to_asking(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    apis.server.route("/api/query", Reply(503))
    # title, kind (the default: paper), sections, tags, authors, org, year, description
    answers = ["Attention Is All You Need", "", "platforms", "", "Ashish Vaswani", "", "2017",
               "", "y"]  # fmt: skip
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "arxiv:1706.03762", input="\n".join(answers) + "\n",
                 env=INTERACTIVE)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "warning: the arXiv API answered HTTP 503 Service Unavailable; fill in the fields" in (
        result.stderr
    )
    [new] = new_entries(sample_catalogue, before)
    assert (new.title, new.kind, new.authors, new.year) == (
        "Attention Is All You Need", "paper", ["Ashish Vaswani"], 2017
    )  # fmt: skip
    assert new.url == "https://arxiv.org/abs/1706.03762"


def test_no_fetch_adds_a_paper_by_identifier_without_the_network(
    cli: Run, sample_catalogue: Path, apis: Apis
) -> None:
    before = store.load(sample_catalogue).resource_ids()
    result = add(cli, sample_catalogue, "arxiv:1706.03762", "--no-fetch", "--title", "Attention",
                 "--kind", "paper")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [new] = new_entries(sample_catalogue, before)
    assert new.url == "https://arxiv.org/abs/1706.03762"
    assert apis.calls() == 0
