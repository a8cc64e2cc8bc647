"""What two URLs say about each other when their identity keys differ.

- :func:`may_share_title`: whether a title match between two entries counts (their sites
  and kinds);
- :func:`site_of`: who publishes a URL (the registered domain, with known renamings:
  ``eng.uber.com`` and ``www.uber.com/blog`` are Uber, ``code.facebook.com`` and
  ``engineering.fb.com`` are Facebook; on shared hosts the user's part: ``x.github.io``,
  ``medium.com/<publication>``, ``github.com/<owner>``);
- :func:`slug_key`: a post moved to another host or path of the same site keeps its slug
  (``eng.uber.com/scaling-hdfs/`` and ``www.uber.com/blog/scaling-hdfs/``): ``slug:<site>/<slug>``;
- :func:`repo_of` and :func:`site_names`: a tool's repository and its site or docs
  (``github.com/feast-dev/feast`` and ``feast.dev``), matched by :func:`site_and_repo`;
  :func:`renamed_repo`: a repository that moved to another owner, only with evidence (the
  new owner is named after the project, or one's owner is the other's repository).

All are exact keys or dictionary look-ups (no pairwise comparison): the matcher blocks on them.
"""

from __future__ import annotations

import functools
import re

from mlsd_cli.matching.kinds import kind_from_url
from mlsd_cli.matching.urls import identity_key
from mlsd_cli.matching.urls import unwrap_url

#: Hosts whose sub-domains (or first path segment) belong to different people.
_SHARED_HOSTS = frozenset(
    {
        "github.io",
        "gitlab.io",
        "medium.com",
        "substack.com",
        "blogspot.com",
        "wordpress.com",
        "netlify.app",
        "vercel.app",
        "herokuapp.com",
        "readthedocs.io",
        "notion.site",
        "hashnode.dev",
        "pages.dev",
    }
)
#: Sites that renamed their domain: the old registered domain -> the new one.
_SITE_ALIASES = {
    "fb.com": "facebook.com",
    "x.com": "twitter.com",
    "atspotify.com": "spotify.com",
    "githubengineering.com": "github.blog",
    "youtu.be": "youtube.com",
}
_SECOND_LEVEL = frozenset({"co", "com", "ac", "org", "gov", "net", "edu", "ne", "or"})
_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#]+)([^?#]*)", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
#: Slugs that name a kind of page, not one post: two books' tables of contents differ.
_PAGE_SLUGS = frozenset(
    {"table-of-contents", "getting-started", "about-us", "release-notes", "privacy-policy"}
    | {"terms-of-service", "contact-us", "read-more", "front-matter", "all-posts"}
)
_SLUG_SUFFIXES = (".html", ".htm", ".php", ".aspx", ".pdf")
_WORD = re.compile(r"[a-z]{2,}")
#: Host labels that name no project: ``docs.vllm.ai`` names vllm.
_GENERIC_LABELS = frozenset(
    {"www", "docs", "doc", "blog", "api", "app", "en", "dev", "developer", "developers", "get"}
    | {"engineering", "eng", "tech", "about", "cloud", "open", "source", "home", "site"}
)
#: Path segments of a site's home or docs' front page: ``/en/latest/``, ``/site``.
_HOME_SEGMENTS = frozenset({"en", "latest", "stable", "site", "index.html", "home", "main"})
_TLDS_AS_SUFFIX = ("ai", "hq", "app", "labs")


def _host_path(url: str) -> tuple[str, str] | None:
    match = _HOST.match(unwrap_url(url).strip())
    if match is None:
        return None
    host = match.group(1).lower().rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    return host.removeprefix("www."), match.group(2)


@functools.lru_cache(maxsize=65536)
def _registered(host: str) -> str:
    labels = host.split(".")
    take = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        take = 3
    domain = ".".join(labels[-take:])
    if domain in _SHARED_HOSTS and len(labels) > take:
        domain = ".".join(labels[-take - 1 :])
    return _SITE_ALIASES.get(domain, domain)


def site_of(url: str) -> str:
    """Who publishes ``url``: ``uber.com``, ``medium.com/lyft-engineering``,
    ``github.com/owner``."""
    parts = _host_path(url)
    if parts is None:
        return url.strip()
    host, path = parts
    site = _registered(host)
    if site in ("medium.com", "github.com"):
        first = next((s for s in path.split("/") if s), "")
        return f"{site}/{first.lower()}" if first else site
    return site


def _keyed_host_path(key: str) -> tuple[str, str] | None:
    """(host, path) of a canonical URL (an identity key that is one); None for other keys."""
    if not key.startswith("https://"):
        return None
    host, _, path = key[len("https://") :].partition("/")
    return host, "/" + path.split("?", 1)[0].split("#", 1)[0]


def slug_key(url: str, key: str | None = None) -> str | None:
    """``slug:<site>/<slug>`` for a post's URL whose last segment is a slug of two words or
    more (at least 8 characters, a date prefix ``2016-09-22-`` dropped); None otherwise, and
    for URLs with an identity of their own (arXiv, YouTube, GitHub, DOIs...). ``key`` is
    ``identity_key(url)`` when the caller has it."""
    parts = _keyed_host_path(key or identity_key(url))
    if parts is None:
        return None
    _host, path = parts
    segments = [s for s in path.lower().split("/") if s]
    if segments and segments[-1] == "amp":
        segments.pop()
    if not segments:
        return None
    slug = segments[-1]
    for suffix in _SLUG_SUFFIXES:
        slug = slug.removesuffix(suffix)
    slug = _DATE_PREFIX.sub("", slug)
    if len(slug) < 8 or "." in slug or len(_WORD.findall(slug)) < 2 or "-" not in slug:
        return None
    if slug in _PAGE_SLUGS:
        return None
    return f"slug:{site_of(url)}/{slug}"


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def repo_of(url: str, key: str | None = None) -> tuple[str, str] | None:
    """(owner, repository) of a GitHub repository URL, in lower case."""
    key = key or identity_key(url)
    if not key.startswith("github:"):
        return None
    owner, _, repo = key.removeprefix("github:").partition("/")
    return owner, repo


def site_names(url: str, key: str | None = None) -> frozenset[str]:
    """The project names a site's URL gives: its host's labels (``airflow.apache.org``:
    airflow, apache; ``evidentlyai.com``: evidentlyai, evidently), and the segment after
    ``/docs/`` (``huggingface.co/docs/transformers``). Empty for deep pages, which are posts
    or pages of a site, not the tool itself, and for GitHub, arXiv, YouTube... URLs."""
    parts = _keyed_host_path(key or identity_key(url))
    if parts is None:
        return frozenset()
    host, path = parts
    segments = [s for s in path.lower().split("/") if s and s not in _HOME_SEGMENTS]
    names: set[str] = set()
    if segments[:1] in (["docs"], ["doc"], ["documentation"]) and len(segments) >= 2:
        names.add(_name(segments[1]))
    elif segments:
        return frozenset()
    labels = host.split(".")[:-1]
    for label in labels:
        if label in _GENERIC_LABELS or label in _SECOND_LEVEL or len(label) < 3:
            continue
        names.add(_name(label))
        for suffix in _TLDS_AS_SUFFIX:
            if label.endswith(suffix) and len(label) - len(suffix) >= 4:
                names.add(_name(label.removesuffix(suffix)))
    return frozenset(n for n in names if n)


def _title_words(title: str) -> set[str]:
    return {w for w in _WORD.findall(title.lower()) if len(w) >= 3}


def titles_agree(a: str, b: str) -> bool:
    """The two titles share a word of three letters or more (a tool's name, usually)."""
    return not _title_words(a).isdisjoint(_title_words(b))


def site_and_repo(repo: tuple[str, str], names: frozenset[str], titles: tuple[str, str]) -> bool:
    """A site (``names``) and a repository are one tool: the site is named after the
    repository, and the titles share a word or the owner is named like the site too."""
    owner, name = _name(repo[0]), _name(repo[1])
    if name not in names:
        return False
    return owner in names or titles_agree(*titles)


def renamed_repo(a: tuple[str, str], b: tuple[str, str], titles: tuple[str, str]) -> bool:
    """Two repositories of one project under two owners: one's owner is the other's
    repository (``triton-inference-server/server``), or the same repository name where an
    owner is named after it (``optuna/optuna``, ``run-llama/llama_index``); titles agreeing."""
    if a == b or not titles_agree(*titles):
        return False
    (owner_a, repo_a), (owner_b, repo_b) = ((_name(o), _name(r)) for o, r in (a, b))
    if owner_a == owner_b:  # two repositories of one owner: two projects of one family
        return False
    if repo_a == owner_b or repo_b == owner_a:
        return True
    if repo_a != repo_b:
        return False
    project = set(_WORD.findall(a[1])) | {repo_a}
    return any(not project.isdisjoint(_WORD.findall(owner)) for owner in (a[0], b[0]))


#: Resource kind -> the family whose titles may match across sites.
_FAMILY = {
    "paper": "paper",
    "video": "talk",
    "talk": "talk",
    "slides": "talk",
    "podcast": "talk",
    "book": "book",
    "course": "course",
    "blog": "blog",
    "thread": "blog",
}
_CROSS_SITE = frozenset({"paper", "talk", "book", "course"})
#: The families whose entries share a title across sites (:func:`may_share_title`).
CROSS_SITE_FAMILIES = _CROSS_SITE


def family(kind: str | None, url: str | None = None, key: str | None = None) -> str | None:
    """The family of a resource (paper, talk, book, course, blog, tool; None when unknown).

    A talk, video, slides or podcast whose URL shows a blog post
    (:func:`~mlsd_cli.matching.kinds.kind_from_url`) is the post it was listed for. Kind
    "other" (what an importer gives when it cannot tell) is a tool when the URL is a
    repository or a site's home page, else what the URL shows."""
    known = _FAMILY.get(kind) if kind and kind != "other" else None
    if not url or (known is not None and known != "talk"):
        return known
    shown = kind_from_url(url)
    if shown == "blog" or known is not None:
        return "blog" if shown == "blog" else known
    if repo_of(url, key) or site_names(url, key):
        return "tool"
    return _FAMILY.get(shown) if shown else None


class Side:
    """One side of a title match: its URL, and its site and family, computed when asked."""

    __slots__ = ("_family", "_key", "_site", "kind", "url")

    def __init__(self, url: str | None, kind: str | None, key: str | None = None) -> None:
        self.url, self.kind, self._key = url, kind, key
        self._site: str | None = None
        self._family: tuple[str | None] | None = None

    @property
    def site(self) -> str:
        if self._site is None:
            self._site = site_of(self.url) if self.url else ""
        return self._site

    @property
    def family(self) -> str | None:
        if self._family is None:
            self._family = (family(self.kind, self.url, self._key),)
        return self._family[0]


def may_share_title(a: Side, b: Side, title: str) -> bool:
    """Whether a title match between ``a`` and ``b`` counts: always with a url-less side;
    never between tools; on one site; across sites for one family of paper, talk, book or
    course, or when a side's family is unknown (None: a candidate whose kind nothing tells),
    with a title of two words or more. Blog posts on two sites are not matched by title: two
    companies use one title, and a moved post keeps its slug (:func:`slug_key`)."""
    if not a.url or not b.url:
        return True
    fam_a, fam_b = a.family, b.family
    if "tool" in (fam_a, fam_b):
        return False
    if a.site == b.site:
        return True
    if " " not in title:
        return False
    if fam_a is None or fam_b is None:
        return True
    return fam_a == fam_b and fam_a in _CROSS_SITE
