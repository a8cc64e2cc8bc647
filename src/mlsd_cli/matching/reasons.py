"""What a duplicate match says: its reasons, its tier, and the records the matcher returns
(:mod:`mlsd_cli.matching.duplicates` re-exports them)."""

from __future__ import annotations

from dataclasses import dataclass

from mlsd_cli.catalogue.model import Resource
from mlsd_cli.errors import InputError

#: Reasons, strongest first. The first five make the same resource.
SAME_URL = "same-url"
SAME_SLUG = "same-slug"
SITE_AND_REPO = "site-and-repo"
RENAMED_REPO = "renamed-repo"
SAME_TITLE = "same-title"
SIMILAR_TITLE = "similar-title"
SUBTITLE = "subtitle"
REASON_ORDER: tuple[str, ...] = (SAME_URL, SAME_SLUG, SITE_AND_REPO, RENAMED_REPO, SAME_TITLE)
REASON_ORDER += (SIMILAR_TITLE, SUBTITLE)
IDENTITY = frozenset({SAME_URL, SAME_SLUG, SITE_AND_REPO, RENAMED_REPO, SAME_TITLE})
#: A group's reason when it has URL and title evidence only.
BOTH = "both"
#: How each reason reads in a sentence.
REASON_TEXT = {
    SAME_URL: "same URL",
    SAME_SLUG: "moved post: same URL slug on the same site",
    SITE_AND_REPO: "a tool's site and its repository",
    RENAMED_REPO: "renamed repository",
    SAME_TITLE: "same title, no URL",
    SIMILAR_TITLE: "similar title",
    SUBTITLE: "same title less a subtitle",
    BOTH: "same URL and similar title",
}
#: The tiers, strongest first.
SAME_RESOURCE_TIER = "same-resource"
POSSIBLE_TIER = "possible-duplicate"
TIERS = (SAME_RESOURCE_TIER, POSSIBLE_TIER)
_TIER_NAMES = {"same": SAME_RESOURCE_TIER, "possible": POSSIBLE_TIER}


def tier_named(text: str) -> str:
    """The tier a user typed ("same-resource", "same", "possible"...); InputError otherwise."""
    name = text.strip().lower()
    tier = _TIER_NAMES.get(name, name)
    if tier not in TIERS:
        raise InputError(f"unknown tier '{text.strip()}'", field="min_tier", choices=TIERS)
    return tier


@dataclass(frozen=True)
class DuplicateCandidate:
    """A resource that may be the same as the one being added or edited."""

    resource: Resource
    #: 0-100; 100 for identity.
    score: float
    #: The reasons (:data:`REASON_ORDER`); the catalogue check (:mod:`mlsd_cli.matching.known`)
    #: adds "merged".
    reasons: tuple[str, ...]
    #: For "merged": the id under which an entry was merged into this one.
    alias: str | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Resources that look like one: the ids in catalogue order, why, and how sure."""

    ids: tuple[str, ...]
    #: "same-url", "similar-title", "both" (URL and title), or the reasons joined by "+".
    reason: str
    #: The weakest link: the lowest score among the matched pairs that hold the group
    #: together (100 for identity), to one decimal.
    score: float
    #: "same-resource" when identity evidence alone holds the group together, else
    #: "possible-duplicate".
    tier: str = SAME_RESOURCE_TIER
