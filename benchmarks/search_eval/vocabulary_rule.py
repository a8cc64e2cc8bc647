"""The fixed judging rule of the `vocabulary` class (README.md, committed before any run).

Each concept has query forms and alternatives of a pattern; a resource is relevant to every
form of the concept when the pattern matches its title or tags (grade 2), else its description
or one of its own section titles (grade 1).
"""

from __future__ import annotations

import re

from catalogues import Doc

_SPELLING_STEMS = (
    "personal",
    "optim",
    "visual",
    "organ",
    "standard",
    "container",
    "summar",
    "quant",
    "categor",
    "normal",
    "token",
    "serial",
)

#: (concept, query forms, pattern alternatives): the README's table.
CONCEPTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "recsys",
        ("recsys", "recommender systems"),
        (
            "recsys",
            "recommenders?",
            "recommendations?",
            "recommender systems?",
            "recommendation systems?",
        ),
    ),
    (
        "ctr",
        ("CTR", "click-through rate"),
        ("ctrs?", "click[- ]?through( rates?)?", "clickthrough"),
    ),
    ("llm", ("LLM", "large language model"), ("llms?", "large language models?")),
    (
        "ab-test",
        ("A/B test", "ab testing"),
        (
            "a/?b[- ]?test(s|ing)?",
            "split[- ]test(s|ing)?",
            "online experiments?",
            "controlled experiments?",
            "experimentation",
        ),
    ),
    (
        "ann",
        ("ANN", "vector search", "nearest neighbor search"),
        (
            "anns?",
            "(approximate )?nearest[- ]neighbou?rs?( search)?",
            "vector (search|databases?|dbs?|stores?|index(es)?|similarity)",
            "similarity search",
        ),
    ),
    (
        "gnn",
        ("GNN", "graph neural network"),
        (
            "gnns?",
            "gcns?",
            "graph neural networks?",
            "graph convolutional (neural )?networks?",
            "graph learning",
            "graph embeddings?",
        ),
    ),
    ("rl", ("RL", "reinforcement learning"), ("rl", "reinforcement learning", "bandits?")),
    (
        "bandits",
        ("bandits", "multi-armed bandit"),
        (
            "bandits?",
            "multi[- ]armed",
            "thompson sampling",
            "explore[- ]exploit(ation)?",
            "exploration[- ]exploitation",
        ),
    ),
    (
        "nlp",
        ("NLP", "natural language processing"),
        ("nlp", "nlu", "natural language (processing|understanding)"),
    ),
    (
        "cv",
        ("CV", "computer vision"),
        ("cv", "computer vision", "image (recognition|classification)", "object detection"),
    ),
    (
        "mlops",
        ("MLOps", "machine learning operations"),
        ("mlops", "ml[- ]ops", "machine learning operations", "ml operations"),
    ),
    (
        "feature-store",
        ("feature store", "feature platform"),
        ("feature[- ]?stores?", "feature platforms?"),
    ),
    (
        "drift",
        ("drift", "distribution shift"),
        (
            "drifts?",
            "drifting",
            "distribution(al)? shifts?",
            "(dataset|covariate|label|data) shifts?",
        ),
    ),
    (
        "embeddings",
        ("embeddings", "representation learning"),
        (
            "embeddings?",
            "representation learning",
            "learned representations?",
            "vector representations?",
            "word2vec",
            "item2vec",
        ),
    ),
    (
        "real-time",
        ("real-time", "realtime", "streaming"),
        ("real[- ]?time", "streaming", "stream processing", "(event|data) streams?"),
    ),
    *(
        (
            f"{stem}-ise-ize",
            (f"{stem}isation", f"{stem}ization"),
            (f"{stem}i[sz](ations?|e|es|ed|ing|er|ers)",),
        )
        for stem in _SPELLING_STEMS
    ),
    ("behaviour-behavior", ("behaviour", "behavior"), ("behaviou?rs?(al)?",)),
    ("modelling-modeling", ("modelling", "modeling"), ("modell?ing", "modell?ed")),
    ("labelling-labeling", ("labelling", "labeling"), ("labell?ing", "labell?ed")),
)


def compile_pattern(alternatives: tuple[str, ...]) -> re.Pattern[str]:
    """``\\b(alt1|alt2|...)\\b``, case-insensitive, a space standing for any run of spaces."""
    spaced = (alt.replace(" ", r"\s+") for alt in alternatives)
    body = "|".join(f"(?:{alt})" for alt in spaced)
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def grade(pattern: re.Pattern[str], doc: Doc) -> int:
    """2 when the title or tags match, 1 when the description or an own section title does."""
    if pattern.search(doc.fields["title"]) or pattern.search(doc.fields["tags"]):
        return 2
    if pattern.search(doc.fields["description"]):
        return 1
    return int(any(pattern.search(title) for title in doc.own_sections))
