"""Generate realistic synthetic catalogues for benchmarks (1k, 10k, 100k entries...).

    python benchmarks/generate.py 10000 /tmp/cat-10k.toml [--duplicates 200] [--seed 1]

Titles are drawn from ML-systems vocabulary, so search and fuzzy matching do real work.
``--duplicates N`` plants N near-duplicate pairs (same URL in another shape, or a re-typed
title); their ids are written to ``<out>.planted.json`` for recall measurements.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mlsd_cli.catalogue.model import Catalogue
from mlsd_cli.catalogue.model import Resource
from mlsd_cli.catalogue.model import Section

ORGS = [
    "Netflix",
    "Uber",
    "Airbnb",
    "LinkedIn",
    "Spotify",
    "Google",
    "Meta",
    "Lyft",
    "DoorDash",
    "Instacart",
    "Pinterest",
    "Twitter",
    "Dropbox",
    "Booking.com",
    "Stripe",
    "Shopify",
    "Etsy",
    "Zalando",
    "Grab",
    "Gojek",
    "Swiggy",
    "Walmart",
    "Amazon",
    "Microsoft",
    "Snap",
    "Yelp",
]
TOPICS = [
    "feature store",
    "recommender system",
    "search ranking",
    "fraud detection",
    "real-time inference",
    "model serving",
    "embedding retrieval",
    "data quality",
    "experimentation platform",
    "ml platform",
    "streaming features",
    "demand forecasting",
    "ads click prediction",
    "anomaly detection",
    "model monitoring",
    "training pipeline",
    "online learning",
    "contextual bandits",
    "vector search",
    "label quality",
    "gpu scheduling",
    "model compression",
    "causal inference",
    "eta prediction",
    "content moderation",
    "personalization",
    "query understanding",
    "image classification",
]
VERBS = [
    "Building",
    "Scaling",
    "Designing",
    "Rethinking",
    "Lessons from",
    "How we built",
    "Evolving",
    "Inside",
    "Productionizing",
    "Operating",
    "Debugging",
    "Migrating",
]
SUFFIXES = [
    "at {org}",
    "for {n}M users",
    "with Kafka and Flink",
    "on Kubernetes",
    "in production",
    "at scale",
    "part {p}",
    "the hard way",
    "in {year}",
    "with Spark",
]
FIRST = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ivan",
    "Jun",
    "Kofi",
    "Lena",
    "Mihajlo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Ravi",
    "Sofia",
    "Tomás",
]
LAST = [
    "Chang",
    "Ekanadham",
    "Grbovic",
    "Ong",
    "Stanley",
    "Neuberg",
    "Wu",
    "Kreps",
    "Fowler",
    "Akidau",
    "Xu",
    "Ratner",
    "Molnar",
    "Karpathy",
    "Jordan",
    "Steck",
    "Ribeiro",
    "Schelter",
]
KINDS = ["blog"] * 6 + ["paper"] * 3 + ["video", "talk", "slides", "podcast", "book", "course"]
TAGS = [
    "feature-store",
    "recsys",
    "search",
    "fraud",
    "serving",
    "streaming",
    "monitoring",
    "data-quality",
    "experimentation",
    "ml-platform",
    "nlp",
    "computer-vision",
    "mlops",
]


def _url(rng: random.Random, org: str, slug: str, i: int) -> str:
    shape = rng.random()
    host = org.lower().replace(".", "").replace(" ", "")
    if shape < 0.15:
        return f"https://arxiv.org/abs/{rng.randint(1500, 2412)}.{i % 100000:05d}"
    if shape < 0.25:
        return f"https://www.youtube.com/watch?v={i:011d}"[:43]
    if shape < 0.45:
        return f"https://medium.com/{host}-engineering/{slug}-{i:012x}"
    return f"https://{host}.tech/blog/{rng.randint(2015, 2025)}/{slug}-{i}"


def _title(rng: random.Random, org: str, year: int) -> str:
    suffix = rng.choice(SUFFIXES).format(
        org=org, n=rng.randint(1, 900), p=rng.randint(1, 4), year=year
    )
    return f"{rng.choice(VERBS)} {rng.choice(TOPICS)} {suffix}"


def generate(
    n: int, *, seed: int = 1, duplicates: int = 0
) -> tuple[Catalogue, list[tuple[str, str]]]:
    """A catalogue of ``n`` resources (including ``duplicates`` planted near-duplicates)."""
    rng = random.Random(seed)
    sections = [
        Section(f"chapter-{k}", f"Chapter {k}. {t.title()}") for k, t in enumerate(TOPICS[:12], 1)
    ]
    sections.append(Section("case-studies", "Case studies", parent="chapter-1"))
    catalogue = Catalogue(title=f"Synthetic catalogue of {n}", sections=sections)
    originals = n - duplicates
    for i in range(originals):
        org = rng.choice(ORGS)
        year = rng.randint(2012, 2025)
        title = _title(rng, org, year)
        slug = "-".join(title.lower().split()[:6])
        catalogue.resources.append(
            Resource(
                id=f"r{i}",
                title=title,
                kind=rng.choice(KINDS),
                sections=rng.sample([s.id for s in sections], k=rng.choice([1, 1, 1, 2])),
                url=_url(rng, org, slug, i),
                org=org,
                authors=[
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(0, 3))
                ],
                venue=f"{org} Engineering Blog",
                year=year,
                tags=sorted(rng.sample(TAGS, k=rng.randint(0, 3))),
                description=f"How {org} approached {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
                added=date(2024, 1, 1 + i % 28),
            )
        )
    planted: list[tuple[str, str]] = []
    for j in range(duplicates):
        source = catalogue.resources[rng.randrange(originals)]
        dup_id = f"d{j}"
        if j % 2 and source.url:
            url = source.url.replace("https://", "http://www.") + "?utm_source=twitter"
            title = source.title
        else:
            url = None
            title = source.title.replace(" ", "  ", 1).rstrip() + ("" if j % 3 else " ")
            title = title.replace("Building", "Bulding") if "Building" in title else title.lower()
        catalogue.resources.append(
            Resource(
                id=dup_id,
                title=" ".join(title.split()),
                kind=source.kind,
                sections=list(source.sections),
                url=url,
                org=source.org,
                year=source.year,
            )
        )
        planted.append((source.id, dup_id))
    return catalogue, planted


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--duplicates", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from mlsd_cli.catalogue.store import dumps

    catalogue, planted = generate(args.n, seed=args.seed, duplicates=args.duplicates)
    args.out.write_text(dumps(catalogue), encoding="utf-8")
    if planted:
        args.out.with_suffix(".planted.json").write_text(json.dumps(planted), encoding="utf-8")
    print(f"wrote {args.out} ({args.n} resources, {len(planted)} planted duplicates)")


if __name__ == "__main__":
    main()
