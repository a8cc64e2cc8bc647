"""Guessing a resource's kind from its title and URL (moved from the markdown importer)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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
_HOST_KINDS: tuple[tuple[str, str], ...] = (
    ("youtube.com", "video"),
    ("youtu.be", "video"),
    ("vimeo.com", "video"),
    ("arxiv.org", "paper"),
    ("acm.org", "paper"),
    ("aclanthology.org", "paper"),
    ("mlr.press", "paper"),
    ("ieeexplore.ieee.org", "paper"),
    ("openreview.net", "paper"),
    ("neurips.cc", "paper"),
    ("nips.cc", "paper"),
    ("vldb.org", "paper"),
    ("usenix.org", "paper"),
    ("aaai.org", "paper"),
    ("semanticscholar.org", "paper"),
    ("research.google", "paper"),
    ("slideshare.net", "slides"),
    ("speakerdeck.com", "slides"),
    ("twitter.com", "thread"),
    ("x.com", "thread"),
    ("oreilly.com", "book"),
    ("manning.com", "book"),
    ("coursera.org", "course"),
    ("udacity.com", "course"),
    ("edx.org", "course"),
    ("podcasts.apple.com", "podcast"),
    ("medium.com", "blog"),
    ("hackernoon.com", "blog"),
    ("towardsdatascience.com", "blog"),
    ("substack.com", "blog"),
)


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def guess_kind(title: str, url: str | None, text: str = "") -> str:
    """A best guess at the kind: a "[VIDEO]"-style title prefix first, then the URL's site,
    then words of the item ("slide deck", "course"). "other" when nothing says."""
    prefix = TITLE_PREFIX.match(title)
    if prefix:
        tag = prefix.group(1).casefold()
        for word, kind in _PREFIX_KINDS:
            if word in tag:
                return kind
    if url:
        parts = urlsplit(url)
        host = (parts.hostname or "").casefold()
        path = parts.path.casefold()
        if host == "docs.google.com" and path.startswith("/presentation"):
            return "slides"
        if host.startswith("blog."):
            return "blog"
        if re.match(r"^(?:www\.)?amazon\.[a-z.]+$", host) and ("/dp/" in path or "/gp/" in path):
            return "book"
        for domain, kind in _HOST_KINDS:
            if _host_matches(host, domain):
                return kind
        if path.endswith(".pdf"):
            return "paper"
    words = f" {title} {text} ".casefold()
    if "slide deck" in words or " slides " in words:
        return "slides"
    if " course " in words or " course." in words:
        return "course"
    if " podcast" in words:
        return "podcast"
    if url:
        host = (urlsplit(url).hostname or "").casefold()
        path = urlsplit(url).path.casefold()
        if "blog" in host or "/blog" in path or host.startswith(("engineering.", "eng.", "tech.")):
            return "blog"
        if "engineering" in host or host.endswith(".tech"):
            return "blog"
    return "other"


def without_kind_prefix(title: str) -> str:
    """``title`` less a leading "[VIDEO]"-style tag (the title itself when that is all)."""
    return TITLE_PREFIX.sub("", title) or title
