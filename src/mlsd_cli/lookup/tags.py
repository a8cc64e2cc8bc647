"""Tags: near-spelling detection, suggestions and counts (the normal form is
:mod:`mlsd_cli.catalogue.tags`).

Two tags are *near spellings* when they very likely mean the same thing and differ only in how
they are written (see ``docs/tags.md``):

- plural and singular: ``feature-stores`` / ``feature-store``, ``libraries`` / ``library``;
- separators and word order: ``ml-ops`` / ``mlops``, ``store-feature`` / ``feature-store``;
- one typing slip in tags of five or more letters: a letter missing or extra inside the word
  (``recomender`` / ``recommender``), two neighbouring letters swapped (``monitorign`` /
  ``monitoring``), or, in tags of eight or more, one wrong letter inside the word
  (``anomoly-detection`` / ``anomaly-detection``).

One letter different at either end (``batching`` / ``matching``, ``scale`` / ``scaled``), a wrong
letter in a short word (``smart`` / ``start``) or any digit (``gpt-3`` / ``gpt-4``) makes another
word, so these are not counted; neither are merely related tags (``nlp`` / ``cv``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlsd_cli.catalogue.tags import normalize_tag

if TYPE_CHECKING:
    from mlsd_cli.catalogue.model import Catalogue
    from mlsd_cli.catalogue.model import Resource

#: A typing slip is only considered in tags at least this long (letters and digits only).
TYPO_MIN_LENGTH = 5
#: ...and a wrong letter (rather than a missing, extra or swapped one) in tags this long.
SUBSTITUTION_MIN_LENGTH = 8


def _singulars(word: str) -> tuple[str, ...]:
    """Rough English singulars of ``word`` (itself when it does not look plural).

    Good enough to compare two spellings of one tag: ``libraries`` -> ``library``,
    ``indexes`` -> ``index``, ``caches`` -> ``cach`` or ``cache``.
    """
    if len(word) < 4 or word[-1] != "s" or word.endswith(("ss", "us", "is")):
        return (word,)
    if word.endswith("ies") and len(word) > 4:
        return (word[:-3] + "y",)
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return (word[:-2], word[:-1])
    return (word[:-1],)


def _forms(tag: str) -> frozenset[str]:
    """The separator-free spellings a tag is compared by: as written, singular, words sorted."""
    words = [w for w in tag.split("-") if w]
    compact = "".join(words)
    first = [_singulars(w)[0] for w in words]
    last = [_singulars(w)[-1] for w in words]
    forms = {compact, "".join(first), "".join(last), "".join(sorted(first))}
    forms.update(_singulars(compact))
    return frozenset(forms - {""})


def _one_slip(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` differ by one plausible typing slip?

    A letter missing or extra inside the word (not first, not last: ``scale`` / ``scaled`` is
    another form), two neighbouring letters swapped, or one wrong letter inside a word of
    :data:`SUBSTITUTION_MIN_LENGTH` or more (shorter words differing by one letter are too often
    other words: ``smart`` / ``start``). Never a digit: ``gpt-3`` / ``gpt-4``.
    """
    if min(len(a), len(b)) < TYPO_MIN_LENGTH or abs(len(a) - len(b)) > 1:
        return False
    from rapidfuzz.distance import OSA
    from rapidfuzz.distance import Levenshtein

    if OSA.distance(a, b, score_cutoff=1) != 1:
        return False
    if Levenshtein.distance(a, b, score_cutoff=1) == 1:
        op = next(iter(Levenshtein.editops(a, b)))
        if op.tag == "replace":
            changed, pos, length = a[op.src_pos] + b[op.dest_pos], op.src_pos, len(a)
            if length < SUBSTITUTION_MIN_LENGTH:
                return False
        elif op.tag == "insert":
            changed, pos, length = b[op.dest_pos], op.dest_pos, len(b)
        else:  # delete
            changed, pos, length = a[op.src_pos], op.src_pos, len(a)
        inside = 0 < pos < length - 1
        return inside and not any(c.isdigit() for c in changed)
    # Two neighbouring letters swapped.
    i = next(k for k in range(len(a)) if a[k] != b[k])
    return not any(c.isdigit() for c in a[i : i + 2])


def _near(forms_a: frozenset[str], forms_b: frozenset[str]) -> bool:
    if forms_a & forms_b:
        return True
    return any(_one_slip(x, y) for x in forms_a for y in forms_b)


def is_near_spelling(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` two spellings of one tag (and not the same tag)?"""
    a, b = normalize_tag(a), normalize_tag(b)
    if not a or not b or a == b:
        return False
    return _near(_forms(a), _forms(b))


def near_duplicates(tag: str, existing: Iterable[str]) -> list[str]:
    """The tags of ``existing`` that are near spellings of ``tag`` but not ``tag`` itself.

    ``tag`` may be in any spelling (it is normalised first). The result keeps the spelling of
    ``existing``, each tag once, closest first (same words before a typing slip), then by name.
    """
    normal = normalize_tag(tag)
    if not normal:
        return []
    forms = _forms(normal)
    same_words: list[str] = []
    slips: list[str] = []
    seen: set[str] = set()
    for other in existing:
        if other in seen:
            continue
        seen.add(other)
        other_normal = normalize_tag(other)
        if not other_normal or other_normal == normal:
            continue
        other_forms = _forms(other_normal)
        if forms & other_forms:
            same_words.append(other)
        elif _near(forms, other_forms):
            slips.append(other)
    return sorted(same_words) + sorted(slips)


#: :func:`suggest` falls back to tags at least this similar (rapidfuzz ratio, 0-100).
SUGGEST_MIN_SCORE = 80.0


def suggest(tag: str, existing: Iterable[str], *, limit: int = 3) -> list[str]:
    """Tags of ``existing`` to propose for a ``tag`` that is not in use ("did you mean").

    Near spellings first; failing those, the most similar tags (``feature-stor`` ->
    ``feature-store``), which is looser than :func:`near_duplicates` on purpose.
    """
    near = near_duplicates(tag, existing)
    if near:
        return near[:limit]
    normal = normalize_tag(tag)
    if not normal:
        return []
    from rapidfuzz import fuzz
    from rapidfuzz import process

    choices = sorted({e for e in existing if normalize_tag(e) != normal})
    found = process.extract(
        normal, choices, scorer=fuzz.ratio, score_cutoff=SUGGEST_MIN_SCORE, limit=limit
    )
    return [choice for choice, _score, _index in found]


def _deletions(text: str) -> set[str]:
    """``text`` and the strings made by deleting one letter of it.

    Digits are kept: a slip never involves a digit, so ``v2``-like tags need no variants.
    """
    out = {text}
    if len(text) >= TYPO_MIN_LENGTH:
        out.update(text[:i] + text[i + 1 :] for i, c in enumerate(text) if not c.isdigit())
    return out


def near_duplicate_pairs(tags: Iterable[str]) -> list[tuple[str, str]]:
    """Every pair of near spellings among ``tags`` (normal-form tags), each pair sorted.

    Candidates are found through a shared one-deletion variant (two strings within one edit
    always share one), so thousands of distinct tags are compared without trying every pair.
    """
    distinct = sorted({t for t in tags if t})
    forms = [_forms(t) for t in distinct]
    index: dict[str, list[int]] = {}
    for i, tag_forms in enumerate(forms):
        keys: set[str] = set()
        for form in tag_forms:
            keys |= _deletions(form)
        for key in keys:
            index.setdefault(key, []).append(i)
    candidates: set[tuple[int, int]] = set()
    for members in index.values():
        if len(members) > 1:
            candidates.update(
                (members[x], members[y])
                for x in range(len(members))
                for y in range(x + 1, len(members))
            )
    pairs = [(distinct[i], distinct[j]) for i, j in candidates if _near(forms[i], forms[j])]
    return sorted(pairs)


def tag_counts(catalogue: Catalogue) -> list[tuple[str, int]]:
    """(tag, number of resources carrying it), most used first, then by name."""
    counts: Counter[str] = Counter()
    for resource in catalogue.resources:
        counts.update(set(resource.tags))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def used_tags(catalogue: Catalogue) -> set[str]:
    """Every tag some entry carries (:meth:`Catalogue.used_tags`: a catalogue from the load
    cache knows them without decoding its entries)."""
    return catalogue.used_tags()


@dataclass(frozen=True)
class TagNote:
    """A warning about a tag being added or removed (never an error by itself).

    ``kind`` is ``"near-spelling"`` (a new tag looks like tags in use: ``similar``), ``"unused"``
    (a tag to remove that no entry carries) or ``"absent"`` (a tag to remove that the entry
    ``entry`` lacks); for the last two ``similar`` may suggest what was meant.
    """

    tag: str
    kind: str
    similar: tuple[str, ...] = ()
    entry: str | None = None

    @property
    def message(self) -> str:
        quoted = ", ".join(f"'{s}'" for s in self.similar)
        if self.kind == "near-spelling":
            return f"new tag '{self.tag}' looks like existing {quoted}"
        if self.kind == "absent":
            text = f"'{self.entry}' has no tag '{self.tag}'"
        else:
            text = f"no entry has the tag '{self.tag}'"
        return f"{text}; did you mean {quoted}?" if self.similar else text

    @property
    def hint(self) -> str:
        if self.kind == "near-spelling":
            return f"use '{self.similar[0]}' if that is what you meant"
        return "see the tags in use with: mlsd tag --list"


def tag_notes(
    used: Collection[str],
    *,
    added: Iterable[str] = (),
    removed: Iterable[str] = (),
    entry: Resource | None = None,
) -> list[TagNote]:
    """The warnings about adding ``added`` and removing ``removed`` (normal-form tags).

    ``used`` are the tags in use. A new tag (not in use) that is a near spelling of one in use
    (other than those removed) is noted, for every command that adds tags. A tag to remove is
    noted when ``entry`` (the one entry changed) lacks it, or, for many entries (``entry`` None),
    when no entry has it. Removing such a tag changes nothing; it is not an error.
    """
    removed = tuple(removed)
    gone = set(removed)
    in_use = sorted(set(used) - gone)
    notes: list[TagNote] = []
    for tag in added:
        if tag not in used:
            similar = near_duplicates(tag, in_use)
            if similar:
                notes.append(TagNote(tag, "near-spelling", tuple(similar)))
    for tag in removed:
        if entry is not None and tag not in entry.tags:
            notes.append(TagNote(tag, "absent", tuple(suggest(tag, entry.tags)), entry.id))
        elif entry is None and tag not in used:
            notes.append(TagNote(tag, "unused", tuple(suggest(tag, sorted(used)))))
    return notes
