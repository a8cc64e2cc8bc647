"""URL canonicalisation and identity keys, on real URL shapes (the seed lists' URLs and variants)."""

from __future__ import annotations

import re

import pytest

from mlsd_cli.catalogue.urls import is_http_url
from mlsd_cli.catalogue.urls import url_problem
from mlsd_cli.matching.urls import canonical_url
from mlsd_cli.matching.urls import identity_key
from tests.conftest import BOOK_SEED
from tests.conftest import SCALE_SEED
from tests.conftest import seed_path

# --------------------------------------------------------------------------- canonical_url

SAME_PAGE = [
    # (as written somewhere, the canonical form)
    (
        "http://karpathy.github.io/2019/04/25/recipe/",
        "https://karpathy.github.io/2019/04/25/recipe",
    ),
    (
        "https://karpathy.github.io/2019/04/25/recipe",
        "https://karpathy.github.io/2019/04/25/recipe",
    ),
    (
        "HTTPS://Karpathy.GitHub.io/2019/04/25/recipe/#fn1",
        "https://karpathy.github.io/2019/04/25/recipe",
    ),
    (
        "http://www.machinedlearnings.com/2012/02/active-learning-and-contextual-bandits.html",
        "https://machinedlearnings.com/2012/02/active-learning-and-contextual-bandits.html",
    ),
    (
        "https://machinedlearnings.com:443/2012/02/active-learning-and-contextual-bandits.html",
        "https://machinedlearnings.com/2012/02/active-learning-and-contextual-bandits.html",
    ),
    (
        "http://www.machinedlearnings.com:80/2012/02/active-learning-and-contextual-bandits.html",
        "https://machinedlearnings.com/2012/02/active-learning-and-contextual-bandits.html",
    ),
    ("https://facctconference.org/", "https://facctconference.org"),
    ("https://facctconference.org/index.html", "https://facctconference.org"),
    ("http://WWW.FACCTCONFERENCE.ORG/index.htm", "https://facctconference.org"),
    (
        "https://eugeneyan.com/writing/project-quick-start/?utm_source=twitter&utm_medium=social",
        "https://eugeneyan.com/writing/project-quick-start",
    ),
    (
        "https://www.jeremyjordan.me/testing-ml/?fbclid=IwAR0abc&gclid=xyz",
        "https://jeremyjordan.me/testing-ml",
    ),
    (
        "https://eng.uber.com/michelangelo-machine-learning-platform/?ref=hackernews#comments",
        "https://eng.uber.com/michelangelo-machine-learning-platform?ref=hackernews",
    ),
    (
        "https://www.youtube.com/watch?list=PLGEBSHR02XbhC-5Eqy7ERHxpuwiJHes4j&v=8jTo3bVni3E",
        "https://youtube.com/watch?list=PLGEBSHR02XbhC-5Eqy7ERHxpuwiJHes4j&v=8jTo3bVni3E",
    ),
    (
        "https://netflixtechblog.com/open-sourcing-metaflow-a-human-centric-framework-for-data-science-fa72e04a5d9?source=collection_home---4------6-----------------------",
        "https://netflixtechblog.com/open-sourcing-metaflow-a-human-centric-framework-for-data-science-fa72e04a5d9",
    ),
    (
        "https://medium.com/memory-leak/reverse-etl-a-primer-4e6694dcc7fb?source=rss----&sk=abc123",
        "https://medium.com/memory-leak/reverse-etl-a-primer-4e6694dcc7fb",
    ),
    (
        "https://medium.com/ai%c2%b3-theory-practice-business/top-6-errors-novice-machine-learning-engineers-make-e82273d394db",
        "https://medium.com/ai%C2%B3-theory-practice-business/top-6-errors-novice-machine-learning-engineers-make-e82273d394db",
    ),
    (
        "https://en.m.wikipedia.org/wiki/Rejection_sampling",
        "https://en.wikipedia.org/wiki/Rejection_sampling",
    ),
    (
        "https://mobile.twitter.com/chipro/status/1348265019012743169",
        "https://twitter.com/chipro/status/1348265019012743169",
    ),
    (
        "https://x.com/chipro/status/1348265019012743169?s=20",
        "https://twitter.com/chipro/status/1348265019012743169?s=20",
    ),
    (
        "https://docs.google.com/presentation/d/1cshMKKSX24L0RL7LNzyOkZNQHD7N-Zyff8iffrLIVYM/edit?usp=sharing",
        "https://docs.google.com/presentation/d/1cshMKKSX24L0RL7LNzyOkZNQHD7N-Zyff8iffrLIVYM/edit",
    ),
    (
        "https://blog.acolyer.org//2019/10/07/150-successful-machine-learning-models/",
        "https://blog.acolyer.org/2019/10/07/150-successful-machine-learning-models",
    ),
    (
        "https://research.google/pubs/pub43146/?b=2&a=1",
        "https://research.google/pubs/pub43146?a=1&b=2",
    ),
    ("  https://oreil.ly/AxFnJ  ", "https://oreil.ly/AxFnJ"),
]


@pytest.mark.parametrize(("url", "expected"), SAME_PAGE)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


DIFFERENT_PAGES = [
    # Case in the path, a meaningful query, another port, another host, a hash-bang route.
    (
        "https://www.youtube.com/watch?v=STKCRSUsyP0",
        "https://www.youtube.com/watch?v=stkcrsusyp0",
    ),
    ("https://research.google/pubs/pub43146/", "https://research.google/pubs/pub43147/"),
    ("https://example.org:8080/a", "https://example.org/a"),
    ("https://blogs.dropbox.com/tech/ocr", "https://dropbox.tech/tech/ocr"),
    ("https://example.org/app#!/a", "https://example.org/app#!/b"),
    ("https://example.org/search?q=feature+store", "https://example.org/search?q=feature+stores"),
    # "source" is a tracking parameter on Medium only.
    ("https://example.org/data?source=census", "https://example.org/data?source=bls"),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PAGES)
def test_different_pages_stay_different(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)
    assert identity_key(a) != identity_key(b)


def test_canonical_url_leaves_non_http_text_alone() -> None:
    assert canonical_url(" ftp://example.org/x ") == "ftp://example.org/x"
    assert canonical_url("not a url") == "not a url"
    assert canonical_url("https://") == "https://"


def test_url_problem_is_unchanged() -> None:
    assert url_problem("https://arxiv.org/abs/1706.04599") is None
    assert url_problem("ftp://example.org") is not None
    assert is_http_url("http://karpathy.github.io/2019/04/25/recipe/")
    assert not is_http_url(None)


# --------------------------------------------------------------------------- identity keys

IDENTITY = [
    # arXiv: abs/pdf, versions, .pdf, export., old-style ids, the arXiv DOI
    ("https://arxiv.org/abs/1706.04599", "arxiv:1706.04599"),
    ("https://arxiv.org/pdf/1706.04599", "arxiv:1706.04599"),
    ("https://arxiv.org/pdf/1706.04599.pdf", "arxiv:1706.04599"),
    ("https://arxiv.org/abs/1706.04599v2", "arxiv:1706.04599"),
    ("http://arxiv.org/pdf/1706.04599v3.pdf", "arxiv:1706.04599"),
    ("https://export.arxiv.org/abs/1706.04599", "arxiv:1706.04599"),
    ("https://www.arxiv.org/abs/2009.14193v1/", "arxiv:2009.14193"),
    ("https://arxiv.org/abs/cs/0112017", "arxiv:cs/0112017"),
    ("https://doi.org/10.48550/arXiv.1706.04599", "arxiv:1706.04599"),
    # YouTube: watch, youtu.be, embed, shorts, extra list= and t=
    ("https://www.youtube.com/watch?v=8jTo3bVni3E", "youtube:8jTo3bVni3E"),
    (
        "https://www.youtube.com/watch?v=8jTo3bVni3E&list=PLGEBSHR02XbhC-5Eqy7ERHxpuwiJHes4j",
        "youtube:8jTo3bVni3E",
    ),
    ("https://youtu.be/8jTo3bVni3E", "youtube:8jTo3bVni3E"),
    ("https://youtu.be/8jTo3bVni3E?t=42", "youtube:8jTo3bVni3E"),
    ("https://www.youtube.com/embed/8jTo3bVni3E", "youtube:8jTo3bVni3E"),
    ("https://m.youtube.com/watch?v=STKCRSUsyP0&feature=share", "youtube:STKCRSUsyP0"),
    ("https://www.youtube-nocookie.com/embed/1xo-0gCVhTU", "youtube:1xo-0gCVhTU"),
    ("https://youtube.com/shorts/1xo-0gCVhTU", "youtube:1xo-0gCVhTU"),
    # DOIs: doi.org, dx.doi.org, the ACM digital library in its several shapes, other publishers
    ("https://dl.acm.org/doi/10.1145/3240323.3240372", "doi:10.1145/3240323.3240372"),
    ("https://dl.acm.org/doi/abs/10.1145/3240323.3240372", "doi:10.1145/3240323.3240372"),
    ("https://dl.acm.org/doi/pdf/10.1145/3240323.3240372", "doi:10.1145/3240323.3240372"),
    ("https://doi.org/10.1145/3240323.3240372", "doi:10.1145/3240323.3240372"),
    ("http://dx.doi.org/10.1145/3240323.3240372", "doi:10.1145/3240323.3240372"),
    (
        "https://onlinelibrary.wiley.com/doi/full/10.1002/widm.1249",
        "doi:10.1002/widm.1249",
    ),
    # IEEE Xplore document numbers
    ("https://ieeexplore.ieee.org/abstract/document/8861136", "ieee:8861136"),
    ("https://ieeexplore.ieee.org/document/8861136/", "ieee:8861136"),
    ("https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=8861136", "ieee:8861136"),
    # Medium posts: the same post id on medium.com, a publication, a custom domain
    (
        "https://medium.com/airbnb-engineering/using-machine-learning-to-predict-value-of-homes-on-airbnb-9272d3d4739d",
        "medium:9272d3d4739d",
    ),
    (
        "https://medium.com/p/9272d3d4739d",
        "medium:9272d3d4739d",
    ),
    (
        "https://airbnb.io/using-machine-learning-to-predict-value-of-homes-on-airbnb-9272d3d4739d?source=rss",
        "medium:9272d3d4739d",
    ),
    (
        "https://medium.com/netflix-techblog/using-machine-learning-to-improve-streaming-quality-at-netflix-9651263ef09f",
        "medium:9651263ef09f",
    ),
    (
        "https://netflixtechblog.com/using-machine-learning-to-improve-streaming-quality-at-netflix-9651263ef09f",
        "medium:9651263ef09f",
    ),
    (
        "https://netflixtechblog.com/open-sourcing-metaflow-a-human-centric-framework-for-data-science-fa72e04a5d9?source=collection_home---4------6-----------------------",
        "medium:fa72e04a5d9",
    ),
    (
        "https://eng.lyft.com/from-shallow-to-deep-learning-in-fraud-9dafcbcef743",
        "medium:9dafcbcef743",
    ),
    (
        "https://medium.com/lyft-engineering/from-shallow-to-deep-learning-in-fraud-9dafcbcef743",
        "medium:9dafcbcef743",
    ),
    (
        "https://instagram-engineering.com/powered-by-ai-instagrams-explore-recommender-system-7ca901d2a882",
        "medium:7ca901d2a882",
    ),
    ("https://tech.instacart.com/space-time-and-groceries-a315925acf3a", "medium:a315925acf3a"),
    (
        "https://medium.com/@rchang/a-beginners-guide-to-data-engineering-part-i-4227c5c457d7",
        "medium:4227c5c457d7",
    ),
    (
        "https://rchang.medium.com/a-beginners-guide-to-data-engineering-part-i-4227c5c457d7",
        "medium:4227c5c457d7",
    ),
    # Google Docs and Drive, whatever the view
    (
        "https://docs.google.com/presentation/d/1YtTEnOax5MDA8DazDa1ad-sP4zzM58KQK4HNAcxoONA/edit#slide=id.p",
        "gdoc:1YtTEnOax5MDA8DazDa1ad-sP4zzM58KQK4HNAcxoONA",
    ),
    (
        "https://docs.google.com/presentation/u/0/d/1YtTEnOax5MDA8DazDa1ad-sP4zzM58KQK4HNAcxoONA/present",
        "gdoc:1YtTEnOax5MDA8DazDa1ad-sP4zzM58KQK4HNAcxoONA",
    ),
    # Tweets (twitter.com, x.com, mobile.), Vimeo, PMLR, ACL Anthology, GitHub, Amazon
    ("https://twitter.com/chipro/status/1348265019012743169", "twitter:1348265019012743169"),
    ("https://x.com/chipro/status/1348265019012743169?s=20", "twitter:1348265019012743169"),
    ("https://vimeo.com/274801958", "vimeo:274801958"),
    ("https://player.vimeo.com/video/274801958", "vimeo:274801958"),
    ("http://proceedings.mlr.press/v97/zhao19a.html", "pmlr:v97/zhao19a"),
    ("https://proceedings.mlr.press/v97/zhao19a/zhao19a.pdf", "pmlr:v97/zhao19a"),
    ("https://aclanthology.org/2020.acl-main.442/", "acl:2020.acl-main.442"),
    ("https://aclanthology.org/2020.acl-main.442.pdf", "acl:2020.acl-main.442"),
    (
        "https://github.com/Chiphuyen/Machine-Learning-Systems-Design.git",
        "github:chiphuyen/machine-learning-systems-design",
    ),
    (
        "https://www.amazon.com/Weapons-Math-Destruction-Increases-Inequality/dp/0553418815",
        "amazon:0553418815",
    ),
    ("https://amazon.com/dp/0553418815/ref=sr_1_1", "amazon:0553418815"),
    ("https://openreview.net/forum?id=rJl-b3RcF7", "openreview:rJl-b3RcF7"),
    ("https://openreview.net/pdf?id=rJl-b3RcF7", "openreview:rJl-b3RcF7"),
]


@pytest.mark.parametrize(("url", "key"), IDENTITY)
def test_identity_key(url: str, key: str) -> None:
    assert identity_key(url) == key


def test_identity_key_falls_back_to_the_canonical_url() -> None:
    url = "https://eng.uber.com/michelangelo-machine-learning-platform/"
    assert identity_key(url) == canonical_url(url)
    assert identity_key("http://www.eng.uber.com/michelangelo-machine-learning-platform") == (
        canonical_url(url)
    )


@pytest.mark.parametrize(
    "url",
    [
        # Slugs ending in a word made of hex letters, or in a plain number, are not post ids.
        "https://example.org/blog/we-decided-to-deface",
        "https://example.org/blog/post-1234567890",
        "https://example.org/blog/accede-defaced",
        # A GitHub page deeper than the repository is not the repository.
        "https://github.com/chiphuyen/machine-learning-systems-design/tree/main/build",
    ],
)
def test_no_key_for_look_alikes(url: str) -> None:
    assert identity_key(url) == canonical_url(url)


def test_different_resources_on_one_site_keep_different_keys() -> None:
    assert identity_key("https://arxiv.org/abs/1706.04599") != identity_key(
        "https://arxiv.org/abs/1706.04590"
    )
    assert identity_key("https://youtu.be/8jTo3bVni3E") != identity_key(
        "https://youtu.be/STKCRSUsyP0"
    )
    assert identity_key("https://eng.lyft.com/a-9dafcbcef743") != identity_key(
        "https://eng.lyft.com/a-584cc94d6b75"
    )


# --------------------------------------------------------------------------- the seed lists

_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def _seed_urls() -> list[str]:
    urls: list[str] = []
    for name in (SCALE_SEED, BOOK_SEED):
        text = seed_path(name).read_text(encoding="utf-8")
        urls += [u for u in _LINK.findall(text) if "](" not in u]
    return sorted(set(urls))


def _variants(url: str) -> list[str]:
    """Ways the same link turns up elsewhere."""
    other_scheme = (
        url.replace("https://", "http://", 1)
        if url.startswith("https://")
        else url.replace("http://", "https://", 1)
    )
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    www = f"{scheme}://{host[4:] if host.startswith('www.') else 'www.' + host}/{path}"
    joiner = "&" if "?" in url else "?"
    base, _, fragment = url.partition("#")
    slash = base[:-1] if base.endswith("/") else base + "/" if "?" not in base else base
    return [
        other_scheme,
        www,
        f"{base}{joiner}utm_source=newsletter&utm_campaign=mlsd",
        f"{base}{joiner}fbclid=IwAR2xyz",
        f"{base}#section-2" if not fragment else base,
        slash + (f"#{fragment}" if fragment else ""),
        f"{scheme}://{host.upper()}/{path}",
    ]


SEED_URLS = _seed_urls()


def test_the_seed_lists_give_many_urls() -> None:
    assert len(SEED_URLS) >= 80


@pytest.mark.parametrize("url", SEED_URLS)
def test_seed_url_variants_share_the_identity_key(url: str) -> None:
    key = identity_key(url)
    for variant in _variants(url):
        assert identity_key(variant) == key, variant


def test_seed_urls_are_all_different_resources() -> None:
    keys = [identity_key(u) for u in SEED_URLS]
    assert len(set(keys)) == len(keys)
