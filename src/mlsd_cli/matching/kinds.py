"""The one kind guesser: what kind of resource a URL (and an imported item's title) probably is.

``mlsd add`` (through :mod:`mlsd_cli.web.metadata`, before the page's own ``og:type`` and
citation tags) and ``mlsd import`` both ask :func:`kind_from_url`, so one URL gets one kind
whichever command adds it. :func:`guess_kind` is the importer's question: the title's tag,
then the URL, then the item's words, then "other".

URL rules (:func:`kind_from_url`; the host without ``www.``, a rule for ``x.com`` covers its
sub-domains; the first rule that matches wins; None when no rule says):

====================================================  ========  =============================
URL                                                   kind      why
====================================================  ========  =============================
YouTube, youtu.be, Vimeo                              video
docs.google.com/presentation, Speaker Deck,           slides
SlideShare, slides.com, ``.ppt``/``.pptx``/``.key``
``.pdf`` (or ``/pdf/``) with "slide(s)" in the path   slides    a deck exported to PDF
any other ``.pdf`` or ``/pdf/``                       paper     arxiv.org/pdf, proceedings
a ``/slides/`` path                                   slides
usenix.org ``/conference/.../presentation/``          paper     a paper's page (with slides
                                                                and video); other usenix.org
                                                                pages (a conference's home,
                                                                ;login:) say nothing: None
arXiv, dl.acm.org, doi.org, OpenReview, NeurIPS,      paper
PMLR (mlr.press), ACL, IEEE Xplore, Springer, JMLR,
VLDB, CIDR, AAAI, Semantic Scholar, research.google,
``proceedings.*``, ``/doi/``, ``/paper(s)/``,
``/pub(s)/``, ``/publication(s)/``
``blog.`` and ``blogs.`` sub-domains                   blog      blog.twitter.com is a blog
reddit.com ``/r/.../comments/``                       thread    a post and its comments; a
                                                                subreddit's front page: None
Twitter/X, Threads, Bluesky, Hacker News              thread
Apple / Google Podcasts, Spotify episodes and shows,  podcast
anchor.fm, Overcast, Simplecast, Transistor...
infoq.com/presentations                               talk
Coursera, Udacity, edX, Udemy, deeplearning.ai,       course
``/course(s)/``, ``/class/``
oreilly.com/radar                                     blog      O'Reilly Radar: articles
learning.oreilly.com, oreilly.com/library/view,       book
shop.oreilly.com/product
Manning, Leanpub, Pragmatic Bookshelf,                book
books.google.com
amazon.* ``/dp/`` or ``/gp/product/``                 book      a product page: in these lists
                                                                a book (aws.amazon.com is not)
Medium, Substack, Towards Data Science, Hacker Noon,  blog
dev.to, Hashnode; ``engineering.``, ``eng.``,
``tech.`` sub-domains; "blog" or "engineering" in
the host (netflixtechblog.com), a ``.tech`` host;
``/blog(s)``, ``/post(s)``, ``/engineering`` paths
====================================================  ========  =============================

An imported item's title tag (``[VIDEO]``, ``[Paper]``, ``[KDD '17 Paper]``, ``[Slides]``...)
comes before the URL: the list's author said what it is. After the URL, the item's words:
"slide deck"/"slides" -> slides, "course" -> course, "podcast" -> podcast.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

#: A leading "[VIDEO]"-style tag of an imported item's title.
TITLE_PREFIX = re.compile(r"^\s*\[([^\]]{1,40})\]\s*")
_PREFIX_KINDS: tuple[tuple[str, str], ...] = (
    ("video", "video"),
    ("youtube", "video"),
    ("paper", "paper"),
    ("slide", "slides"),
    ("deck", "slides"),
    ("podcast", "podcast"),
    ("talk", "talk"),
    ("book", "book"),
    ("course", "course"),
    ("thread", "thread"),
    ("tweet", "thread"),
    ("blog", "blog"),
    ("article", "blog"),
    ("post", "blog"),
)

_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "youtube-nocookie.com")
_SLIDES_HOSTS = ("speakerdeck.com", "slideshare.net", "slides.com")
_PAPER_HOSTS = (
    "arxiv.org",
    "dl.acm.org",
    "doi.org",
    "openreview.net",
    "nips.cc",
    "neurips.cc",
    "mlr.press",
    "aclanthology.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "semanticscholar.org",
    "papers.ssrn.com",
    "biorxiv.org",
    "vldb.org",
    "research.google",
    "static.googleusercontent.com",
    "jmlr.org",
    "scholar.archive.org",
    "openaccess.thecvf.com",
    "cidrdb.org",
    "aaai.org",
)
_PAPER_PATH = re.compile(r"/(doi|pubs?|publications?|papers?)/")
_THREAD_HOSTS = (
    "twitter.com",
    "x.com",
    "threads.net",
    "news.ycombinator.com",
    "bsky.app",
)
_PODCAST_HOSTS = (
    "podcasts.apple.com",
    "podcasts.google.com",
    "anchor.fm",
    "overcast.fm",
    "simplecast.com",
    "transistor.fm",
    "buzzsprout.com",
    "podbean.com",
)
_COURSE_HOSTS = ("coursera.org", "udacity.com", "edx.org", "udemy.com", "deeplearning.ai")
_BOOK_HOSTS = ("manning.com", "books.google.com", "leanpub.com", "pragprog.com")
_BLOG_HOSTS = (
    "medium.com",
    "substack.com",
    "towardsdatascience.com",
    "hackernoon.com",
    "dev.to",
    "hashnode.dev",
)
_AMAZON = re.compile(r"^amazon\.[a-z.]+$")


def _host_in(host: str, hosts: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``hosts`` or a sub-domain of one: ``host`` and each of its
    parent domains looked up in a set (the same answer as comparing with every host)."""
    known = _host_set(hosts)
    if host in known:
        return True
    at = host.find(".")
    while at >= 0:
        if host[at + 1 :] in known:
            return True
        at = host.find(".", at + 1)
    return False


@functools.lru_cache(maxsize=64)
def _host_set(hosts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(hosts)


def kind_from_url(url: str) -> str | None:
    """The kind of resource ``url`` probably is, from the URL alone (no network); None when
    no rule of the table in this module's docstring says."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower()
    if not host:
        return None
    for rule in (_media, _paper, _social, _teaching, _publishing):
        kind = rule(host, path)
        if kind is not None:
            return kind
    return None


def _media(host: str, path: str) -> str | None:
    if _host_in(host, _VIDEO_HOSTS):
        return "video"
    if host == "docs.google.com" and path.startswith("/presentation"):
        return "slides"
    if _host_in(host, _SLIDES_HOSTS) or path.endswith((".ppt", ".pptx", ".key")):
        return "slides"
    if path.endswith(".pdf") or "/pdf/" in path:
        return "slides" if re.search(r"(^|[/_.-])slides?([/_.-]|$)", path) else "paper"
    if re.search(r"/slides?(/|$)", path):
        return "slides"
    return None


def _paper(host: str, path: str) -> str | None:
    if _host_in(host, ("usenix.org",)):
        return "paper" if "/presentation/" in path else None
    if _host_in(host, _PAPER_HOSTS) or host.startswith("proceedings.") or _PAPER_PATH.search(path):
        return "paper"
    return None


def _social(host: str, path: str) -> str | None:
    if host.startswith(("blog.", "blogs.")):  # blog.twitter.com is a blog, not a thread
        return "blog"
    if _host_in(host, ("reddit.com",)):
        return "thread" if "/comments/" in path else None
    if _host_in(host, _THREAD_HOSTS):
        return "thread"
    if _host_in(host, _PODCAST_HOSTS) or (
        host == "open.spotify.com" and path.startswith(("/episode", "/show"))
    ):
        return "podcast"
    return None


def _teaching(host: str, path: str) -> str | None:
    if host == "infoq.com" and path.startswith("/presentations"):
        return "talk"
    if _host_in(host, _COURSE_HOSTS) or re.search(r"/(courses?|class)/", path):
        return "course"
    return None


def _publishing(host: str, path: str) -> str | None:
    if host == "oreilly.com" and path.startswith("/radar"):
        return "blog"
    if (
        _host_in(host, _BOOK_HOSTS)
        or host == "learning.oreilly.com"
        or (host == "oreilly.com" and path.startswith("/library/view/"))
        or (host == "shop.oreilly.com" and path.startswith("/product/"))
        or (_AMAZON.match(host) and ("/dp/" in path or path.startswith("/gp/product/")))
    ):
        return "book"
    if (
        _host_in(host, _BLOG_HOSTS)
        or host.startswith(("engineering.", "eng.", "tech."))
        or "blog" in host
        or "engineering" in host
        or host.endswith(".tech")
        or re.search(r"/(blog|blogs|posts?|engineering)(/|$)", path)
    ):
        return "blog"
    return None


def kind_from_title(title: str) -> str | None:
    """The kind a "[VIDEO]"-style tag at the start of ``title`` names, if any."""
    prefix = TITLE_PREFIX.match(title)
    if prefix:
        tag = prefix.group(1).casefold()
        for word, kind in _PREFIX_KINDS:
            if word in tag:
                return kind
    return None


def _kind_from_words(title: str, text: str) -> str | None:
    words = f" {title} {text} ".casefold()
    if "slide deck" in words or " slides " in words:
        return "slides"
    if " course " in words or " course." in words:
        return "course"
    if " podcast" in words:
        return "podcast"
    return None


def guess_kind(title: str, url: str | None, text: str = "") -> str:
    """An imported item's kind: its title's "[VIDEO]"-style tag, then :func:`kind_from_url`,
    then words of the item ("slide deck", "course"); "other" when nothing says."""
    return (
        kind_from_title(title)
        or (kind_from_url(url) if url else None)
        or _kind_from_words(title, text)
        or "other"
    )


def without_kind_prefix(title: str) -> str:
    """``title`` less a leading "[VIDEO]"-style tag (the title itself when that is all)."""
    return TITLE_PREFIX.sub("", title) or title
