"""Lookalike detection: does a candidate channel *resemble* a registered one without being it?

No Django imports; the edit distance is RapidFuzz's (decision 0012).

Three pieces:

* :func:`skeleton` folds an identifier (or a display name) to a "visual skeleton": case,
  accents, separators and common homoglyphs are erased, so ``ubnd.xa_minh-chau``,
  ``UBNDXaMinhChau``, ``ubndxam1nhchau`` and ``ubndxаminhchau`` (Cyrillic ``а``) all fold to
  the same string.
* :func:`damerau_levenshtein` is a bounded edit distance (optimal-string-alignment variant:
  insert, delete, substitute, swap two adjacent characters, each costing 1).
* :class:`LookalikeIndex` answers "which registered channels look like this one?" in
  (amortised) constant time with a SymSpell-style deletion index, never scanning all entries.

Decisions worth knowing:

* **Websites**: for ``platform="website"`` the public suffix is dropped before folding (the
  last label, and a second-level label such as ``gov``/``com``/``org``/``edu``/``net`` in front
  of it), the remaining labels are split on ``.`` and ``-``, and the tokens ``www``, ``gov`` and
  ``vn`` are dropped. So ``hanoi.gov.vn``, ``hanoi.com.vn``, ``hanoi-gov.vn``, ``hanoi.vn`` and
  ``www.hanoi-gov-vn.com`` all share the skeleton ``hanol`` – exactly the pattern used by
  fake government sites. Punycode labels are decoded first, so ``xn--hni-...`` folds like
  ``hà nội``.
* **Opaque ids** (all-digit identifiers such as Facebook/Zalo numeric ids, and YouTube
  ``UC…`` channel ids) are chosen by the platform, not by a person, so a near-miss means
  nothing: they take part in display-name matching only, never in identifier matching.
* **Thresholds**: skeletons are compared with the bound of the *shorter* one: equal skeletons
  always match; distance ≤ 1 when both are ≥ 5 characters; distance ≤ 2 when both are ≥ 10.
* **Display names** match when their skeletons are equal and at least 4 characters long.
* **Index**: a plain SymSpell index over the whole skeleton needs every ≤2-deletion of every
  skeleton (≈120 strings for a 15-letter name: ~2 M keys, ~200 MB and several seconds for
  20,000 entries). Instead, deletions are taken of a fixed-length *prefix window* and of a
  *suffix window* (SymSpell's prefix trick, done at both ends). If two strings are within
  distance ``d``, their prefix windows share a ≤``d``-deletion variant, and so do their suffix
  windows (proof: remove the aligned deletions falling in the window, then trim the longer
  remainder). A true match is therefore listed on *both* sides, so the entries of either side,
  verified one by one with the bounded distance, are every match: the query takes a side
  whose posting lists are all short (official names share long prefixes, "ubndxa…", or
  suffixes, rarely both); only when both sides hold long lists does it intersect them as
  bit masks, within the platform's entries of a reachable length. Skeletons no longer than the window are kept
  in a third, whole-string deletion index. A property test checks the index returns exactly
  what a scan of all entries would. Index size: ≤ 58 keys per entry (window 7, 2 deletions).
* ``find(platform=None, …)`` also compares a domain-shaped candidate, folded as a site, with
  registered websites (``hanoi-gov.vn`` typed bare still finds ``hanoi.gov.vn``).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance.OSA import distance as _osa
from rapidfuzz.process import extract as _extract

__all__ = ["LookalikeIndex", "damerau_levenshtein", "fold_name", "skeleton"]

# --- skeleton ----------------------------------------------------------------------------------

# Single characters that look like another one. Applied after NFKD + casefold + accent removal,
# so upper-case and accented forms are already gone. Cyrillic and Greek confusables map to the
# Latin letter they imitate; digits and ``i`` map to the letter they are mistaken for.
_CONFUSABLES: dict[str, str] = {
    # digits and Latin
    "0": "o",
    "1": "l",
    "i": "l",
    "3": "e",
    "5": "s",
    "ı": "l",  # dotless i
    "ɩ": "l",
    "ł": "l",
    "ƚ": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ɗ": "d",
    "ɑ": "a",
    "ɡ": "g",
    "ʏ": "y",
    "ħ": "h",
    "ŧ": "t",
    "ƅ": "b",
    # Cyrillic
    "а": "a",
    "б": "b",
    "в": "b",
    "г": "r",
    "д": "d",
    "е": "e",
    "ё": "e",
    "з": "e",
    "и": "u",
    "й": "u",
    "к": "k",
    "л": "n",
    "м": "m",
    "н": "h",
    "о": "o",
    "п": "n",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "ф": "o",
    "х": "x",
    "ц": "u",
    "ч": "y",
    "ш": "w",
    "щ": "w",
    "ъ": "b",
    "ы": "bl",
    "ь": "b",
    "ѕ": "s",
    "і": "l",
    "ї": "l",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "һ": "h",
    "ү": "y",
    "ҫ": "c",
    "ԍ": "g",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "θ": "o",
    "ι": "l",
    "κ": "k",
    "λ": "a",
    "μ": "u",
    "ν": "v",
    "ξ": "e",
    "ο": "o",
    "π": "n",
    "ρ": "p",
    "σ": "o",
    "ς": "c",
    "τ": "t",
    "υ": "u",
    "φ": "o",
    "χ": "x",
    "ψ": "w",
    "ω": "w",
    # Armenian
    "օ": "o",
    "ս": "u",
    "հ": "h",
    "ց": "g",
    "ո": "n",
}
_TRANSLATE = str.maketrans(_CONFUSABLES)
# Letter pairs that render like one letter in most fonts. Applied after separators are dropped.
_PAIRS = (("rn", "m"), ("vv", "w"))

_SECOND_LEVEL = frozenset(
    {"gov", "com", "org", "net", "edu", "ac", "co", "info", "biz", "name", "pro", "health", "int"}
)
_NOISE_TOKENS = frozenset({"www", "gov", "vn"})
_YOUTUBE_UC = re.compile(r"UC[0-9A-Za-z_-]{22}")
_NOT_ALNUM = re.compile(r"[\W_]+")


def _decode_label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def _domain_core(host: str) -> str:
    """``www.ubnd.hanoi.gov.vn`` -> ``ubnd hanoi``: the part of a host a person chose."""
    labels = [_decode_label(lab) for lab in host.strip().lower().rstrip(".").split(".") if lab]
    if len(labels) >= 2:
        labels.pop()  # top-level domain
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL:
        labels.pop()  # gov.vn, com.vn, ...
    tokens = [tok for lab in labels for tok in lab.split("-") if tok]
    kept = [tok for tok in tokens if tok not in _NOISE_TOKENS]
    return " ".join(kept or tokens)


def skeleton(identifier: str, *, platform: str | None = None) -> str:
    """Fold ``identifier`` to its visual skeleton (see the module docstring).

    Steps: for ``platform="website"`` keep only the chosen part of the host; drop a YouTube
    ``@``/``c/``/``user/`` prefix; NFKD, casefold, remove combining marks (accents); map
    homoglyphs (``0→o``, ``1→l``, ``i→l``, ``3→e``, ``5→s``, Cyrillic/Greek confusables, ``đ→d``);
    drop everything that is not a letter or digit (``.``, ``_``, ``-``, spaces, ...); finally
    ``rn→m`` and ``vv→w``. The result may be empty (e.g. for ``"___"``).
    """
    text = identifier.strip()
    if platform == "website":
        text = _domain_core(text)
    else:
        low = text.lower()
        for prefix in ("c/", "user/"):
            if low.startswith(prefix):
                text = text[len(prefix) :]
                break
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text).casefold()
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_ALNUM.sub("", text.translate(_TRANSLATE))
    for pair, single in _PAIRS:
        text = text.replace(pair, single)
    return text


# --- bounded edit distance ---------------------------------------------------------------------


def damerau_levenshtein(a: str, b: str, max_distance: int) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b``, bounded.

    Returns the distance if it is ``<= max_distance``, otherwise ``max_distance + 1``.
    RapidFuzz's bit-parallel OSA (C++) does it: about ten times faster than the branch-and-bound
    search in Python that it replaces (docs/decisions/0012-rapidfuzz-for-edit-distance.md).
    """
    if max_distance < 0:
        raise ValueError("max_distance must be >= 0")
    return int(_osa(a, b, score_cutoff=max_distance))


# --- index -------------------------------------------------------------------------------------

# A posting list (the entries listed under one deletion variant) is a list of entry numbers
# while it is short; on freeze a longer one becomes a bit mask (a Python int, bit ``i`` set
# for entry ``i``), so that a query ORs and ANDs whole lists at C speed instead of building
# sets of thousands of entries – official names share long prefixes ("ubndxa…") and
# suffixes ("…official"), so some lists hold a fifth of the registry.
_Postings = list[int] | int
_MASK_ABOVE = 32  # on freeze, a posting list longer than this becomes a bit mask
_WINDOW = 7  # length of the prefix / suffix windows whose deletions are indexed
_FEW_BITS = 12  # up to this many set bits, _bits peels them off one by one
_MEMO_MAX = 1024  # remembered gathers and reaches per index (masks of 2.5 kB at 20,000 entries)


def _max_distance(length: int) -> int:
    if length >= 10:
        return 2
    if length >= 5:
        return 1
    return 0


@lru_cache(maxsize=1 << 15)
def _deletes(word: str, depth: int) -> frozenset[str]:
    """``word`` and every string obtained from it by deleting up to ``depth`` characters."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= nxt
        frontier = nxt
    return frozenset(out)


def _mask_of(numbers: Iterable[int], nbytes: int) -> int:
    """Bit mask with bit ``i`` set for each ``i`` in ``numbers`` (each < ``8 * nbytes``)."""
    buf = bytearray(nbytes)
    for i in numbers:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


def _bits(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``, in increasing order.

    A few bits are peeled off one at a time (each step costs a pass over the mask's bytes);
    more are found in the mask's binary text, where ``str.find`` skips the zeros at C speed
    (about three times faster than scanning its bytes once there are a hundred bits)."""
    if mask.bit_count() <= _FEW_BITS:
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out
    text = bin(mask)  # "0b1…", the highest bit first
    top = len(text) - 1
    out = []
    i = text.find("1", 2)
    while i >= 0:
        out.append(top - i)
        i = text.find("1", i + 1)
    out.reverse()
    return out


def _is_opaque(platform: str | None, identifier: str) -> bool:
    ident = identifier.strip()
    if ident.isdigit():
        return True
    return platform in (None, "youtube") and _YOUTUBE_UC.fullmatch(ident) is not None


def _looks_like_domain(text: str) -> bool:
    return re.fullmatch(r"[^\s/@]+\.[^\W\d_]{2,}\.?", text.strip()) is not None


@dataclass(frozen=True, slots=True)
class _Entry:
    key: object
    platform: str
    identifier: str
    skeleton: str  # "" when the identifier is opaque or folds to nothing
    name: str  # folded display name, "" when absent or too short


class LookalikeIndex:
    """In-memory index of registered channels answering "what does this look like?".

    ``add`` every registered channel once (``key`` is whatever the caller wants back, e.g. a
    primary key), then call ``find`` per candidate. ``add`` must not run concurrently with
    anything else; concurrent ``find`` calls are safe.
    """

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._by_skeleton: defaultdict[str, list[int]] = defaultdict(list)
        self._by_name: defaultdict[str, list[int]] = defaultdict(list)
        # deletion variant of a window -> entries. Built as lists; on the first find() after an
        # add() the long ones become bit masks (see _Postings).
        self._prefix: defaultdict[str, _Postings] = defaultdict(list)
        self._suffix: defaultdict[str, _Postings] = defaultdict(list)
        self._short: defaultdict[str, _Postings] = defaultdict(list)  # skeleton <= window
        # bit masks of the entries of each platform and of each skeleton length (on freeze)
        self._platform_mask: dict[str, int] = {}
        self._length_mask: dict[int, int] = {}
        self._nbytes = 0
        self._frozen = True
        self._memo: dict[object, Any] = {}  # see _gather_memo and _reach

    def __len__(self) -> int:
        return len(self._entries)

    def state(self) -> tuple[Any, ...]:
        """The frozen index as plain lists, dicts and ints: loaded by ``from_state`` in a
        fraction of the time ``add`` takes (the base is built once and shared, registry.index)."""
        if not self._frozen:
            self._freeze()
        entries = [(e.key, e.platform, e.identifier, e.skeleton, e.name) for e in self._entries]
        return (
            entries,
            dict(self._by_skeleton),
            dict(self._by_name),
            dict(self._prefix),
            dict(self._suffix),
            dict(self._short),
            self._platform_mask,
            self._length_mask,
            self._nbytes,
        )

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> LookalikeIndex:
        entries, by_skeleton, by_name, prefix, suffix, short, platforms, lengths, nbytes = state
        index = cls()
        index._entries = [_Entry(*e) for e in entries]
        index._by_skeleton = defaultdict(list, by_skeleton)
        index._by_name = defaultdict(list, by_name)
        index._prefix = defaultdict(list, prefix)
        index._suffix = defaultdict(list, suffix)
        index._short = defaultdict(list, short)
        index._platform_mask = platforms
        index._length_mask = lengths
        index._nbytes = nbytes
        index._frozen = True
        index._memo = {}
        return index

    def add(
        self, key: object, platform: str, identifier: str, display_name: str | None = None
    ) -> None:
        """Register one channel. ``identifier`` should be canonical (``registry.normalize``)."""
        identifier = identifier.strip()
        skel = "" if _is_opaque(platform, identifier) else skeleton(identifier, platform=platform)
        name = fold_name(display_name)
        idx = len(self._entries)
        self._entries.append(_Entry(key, platform, identifier, skel, name))
        self._frozen = False
        if name:
            self._by_name[name].append(idx)
        if not skel:
            return
        self._by_skeleton[skel].append(idx)
        depth = _max_distance(len(skel))
        if depth == 0:
            return
        if len(skel) <= _WINDOW:  # both windows would be the whole skeleton
            pairs = [(self._short, _deletes(skel, depth))]
        else:
            pairs = [
                (self._prefix, _deletes(skel[:_WINDOW], depth)),
                (self._suffix, _deletes(skel[-_WINDOW:], depth)),
            ]
        bit = 1 << idx
        for index, variants in pairs:
            for variant in variants:
                postings = index[variant]
                if type(postings) is int:  # a mask already (add after find)
                    index[variant] = postings | bit
                else:
                    postings.append(idx)  # type: ignore[union-attr]

    def find(
        self,
        platform: str | None,
        identifier: str,
        display_name: str | None = None,
        limit: int = 5,
    ) -> list[object]:
        """Keys of registered entries that look like the candidate, best match first.

        A registered entry matches when its skeleton equals the candidate's, or is within
        distance 1 (both skeletons ≥ 5 characters) or 2 (both ≥ 10), or when the folded display
        names are equal. ``platform=None`` searches every platform; otherwise only entries of
        that platform. The entry whose ``(platform, identifier)`` is exactly the candidate's
        (any platform when ``platform`` is None) is never returned: that is the channel itself.

        Ranking: same skeleton first, then distance 1 or equal display name, then distance 2;
        within a rank, entries matching on both identifier and name first, then those matching
        on the identifier, then on the name only; ties by order of ``add``.
        """
        if limit <= 0:
            return []
        if not self._frozen:
            self._freeze()
        identifier = identifier.strip()
        # entry index -> (score, identifier matched, name matched); lower score is better
        hits: dict[int, tuple[int, bool, bool]] = {}

        if not _is_opaque(platform, identifier):
            skel = skeleton(identifier, platform=platform)
            if skel:
                self._match_skeleton(skel, platform, hits)
            if platform is None and _looks_like_domain(identifier):
                # a domain typed without a platform: also compare it, as a site, with sites
                site = skeleton(identifier, platform="website")
                if site:
                    self._match_skeleton(site, "website", hits)

        name = fold_name(display_name)
        if name:
            for idx in self._by_name.get(name, ()):
                if platform is None or self._entries[idx].platform == platform:
                    score, by_ident, _ = hits.get(idx, (1, False, False))
                    hits[idx] = (min(score, 1), by_ident, True)

        ranked = sorted(
            hits.items(),
            key=lambda item: (item[1][0], not (item[1][1] and item[1][2]), not item[1][1], item[0]),
        )
        out: list[object] = []
        for idx, _ in ranked:
            entry = self._entries[idx]
            if entry.identifier == identifier and (platform is None or entry.platform == platform):
                continue
            if entry.key in out:  # one key registered under several identifiers
                continue
            out.append(entry.key)
            if len(out) >= limit:
                break
        return out

    # -- internals --

    def _freeze(self) -> None:
        nbytes = (len(self._entries) + 7) >> 3
        self._nbytes = nbytes
        for index in (self._prefix, self._suffix, self._short):
            for variant, postings in index.items():
                if type(postings) is list and len(postings) > _MASK_ABOVE:
                    index[variant] = _mask_of(postings, nbytes)
        by_platform: defaultdict[str, list[int]] = defaultdict(list)
        by_length: defaultdict[int, list[int]] = defaultdict(list)
        for idx, entry in enumerate(self._entries):
            by_platform[entry.platform].append(idx)
            by_length[len(entry.skeleton)].append(idx)
        self._platform_mask = {p: _mask_of(ids, nbytes) for p, ids in by_platform.items()}
        self._length_mask = {n: _mask_of(ids, nbytes) for n, ids in by_length.items()}
        self._memo = {}
        self._frozen = True

    def _match_skeleton(
        self, skel: str, platform: str | None, hits: dict[int, tuple[int, bool, bool]]
    ) -> None:
        entries = self._entries

        def note(idx: int, score: int) -> None:
            old = hits.get(idx)
            if old is None or score < old[0]:
                hits[idx] = (score, True, False)

        for idx in self._by_skeleton.get(skel, ()):
            if platform is None or entries[idx].platform == platform:
                note(idx, 0)

        length = len(skel)
        depth = _max_distance(length)
        if depth == 0:
            return
        head = _deletes(skel[:_WINDOW], depth)
        # Entries no longer than the window: their prefix window is the whole skeleton.
        ids, mask = _gather(self._short, head)
        if length + depth > _WINDOW:
            # Longer entries: a true match is listed on both the prefix and the suffix side,
            # so either side's entries, verified one by one, give every match. A side with no
            # long list is short (at most _MASK_ABOVE entries a variant): take it. Only when
            # both sides hold long lists ("ubndxa…" and "…official") intersect them as masks.
            p_ids, p_mask = self._gather_memo(self._prefix, head)
            s_ids, s_mask = self._gather_memo(self._suffix, _deletes(skel[-_WINDOW:], depth))
            if not p_mask and (s_mask or len(p_ids) <= len(s_ids)):
                ids += p_ids
            elif not s_mask:
                ids += s_ids
            else:
                nbytes = self._nbytes
                mask |= (p_mask | _mask_of(p_ids, nbytes)) & (s_mask | _mask_of(s_ids, nbytes))
        if mask:
            # Only entries of the platform and of a length within ``depth`` can be within reach.
            ids += _bits(mask & self._reach(length, depth, platform))

        if not ids:
            return
        # Verify the candidates in one call into RapidFuzz (a third of the look-alike queries
        # take the mask path and bring about 140), with the loosest bound; each hit is then
        # held to the bound of the shorter skeleton.
        candidates = list(set(ids))
        skeletons = [entries[idx].skeleton for idx in candidates]
        for other, dist, k in _extract(
            skel, skeletons, scorer=_osa, score_cutoff=depth, limit=None
        ):
            idx = candidates[k]
            if dist == 0 or (platform is not None and entries[idx].platform != platform):
                continue  # the same skeleton was noted above (on the platform asked)
            other_length = len(other)
            if dist <= _max_distance(other_length if other_length < length else length):
                note(idx, dist)

    def _gather_memo(
        self, index: dict[str, _Postings], variants: frozenset[str]
    ) -> tuple[list[int], int]:
        """``_gather`` remembered for the windows that bring a long list: the few common
        prefixes and suffixes of official names ("ubndphu…", "…official") come back in many
        queries, and ORing their 20,000-bit masks is most of what they cost. The index does not
        change once frozen; a thread that misses meanwhile only gathers again."""
        key = (id(index), variants)
        found = self._memo.get(key)
        if found is None:
            found = _gather(index, variants)
            if found[1]:
                if len(self._memo) >= _MEMO_MAX:
                    self._memo = {}
                self._memo[key] = found
        return found  # type: ignore[no-any-return]

    def _reach(self, length: int, depth: int, platform: str | None) -> int:
        """The entries of ``platform`` (any when None) whose skeleton is within ``depth`` of
        ``length`` characters long, as a mask (remembered: a handful of lengths and
        platforms)."""
        key = (length, depth, platform)
        reach = self._memo.get(key)
        if reach is None:
            reach = 0
            for n in range(length - depth, length + depth + 1):
                reach |= self._length_mask.get(n, 0)
            if platform is not None:
                reach &= self._platform_mask.get(platform, 0)
            if len(self._memo) >= _MEMO_MAX:
                self._memo = {}
            self._memo[key] = reach
        return reach  # type: ignore[no-any-return]


def _gather(index: dict[str, _Postings], variants: Iterable[str]) -> tuple[list[int], int]:
    """The entries listed under any of ``variants``: those of the short lists (with
    repeats), and the union of the long lists as one bit mask."""
    ids: list[int] = []
    mask = 0
    for postings in map(index.get, variants):
        if not postings:
            continue
        if type(postings) is int:
            mask |= postings
        else:
            ids += postings  # type: ignore[arg-type]
    return ids, mask


@lru_cache(maxsize=1 << 15)
def fold_name(display_name: str | None) -> str:
    """A display name's skeleton when it is long enough to compare (cached: a base build
    folds each name twice, and channels of one unit share names)."""
    if not display_name:
        return ""
    folded = skeleton(display_name)
    return folded if len(folded) >= 4 else ""


# --- timing ------------------------------------------------------------------------------------


def _benchmark(n: int = 20_000, queries: int = 5_000, seed: int = 7) -> dict[str, float]:
    """Build an index of ``n`` realistic random channels and time it and ``find``."""
    import random
    import time

    rng = random.Random(seed)  # noqa: S311 - not cryptographic, just test data
    prefixes = ["ubndxa", "ubnd.xa.", "ubndphuong", "congan", "xa", "phuong", "tuoitre", ""]
    syllables = (
        "minh chau hoa an binh phu tan thanh long son ha nam bac dong tay trung giang lam "
        "quang ninh hai vinh tien phong thuan loc hung yen thai nguyen cao bang lang duc "
        "tuong kim xuan thu dinh khanh hau phuoc my lai hiep thinh vu ba dien cuong"
    ).split()
    platforms = ["facebook", "youtube", "tiktok", "zalo", "website"]

    def ident() -> str:
        core = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))
        return rng.choice(prefixes) + core + rng.choice(["", "", "1", "2", ".official"])

    rows: list[tuple[int, str, str]] = []
    for k in range(n):
        platform = rng.choice(platforms)
        ident_ = ident() if platform != "website" else ident().replace(".", "") + ".gov.vn"
        if platform == "zalo":
            ident_ = str(rng.randrange(10**15, 10**16))
        rows.append((k, platform, ident_))
    t0 = time.perf_counter()
    index = LookalikeIndex()
    for k, platform, ident_ in rows:
        index.add(k, platform, ident_, None)
    index._freeze()  # otherwise done by the first find()
    build = time.perf_counter() - t0
    probes = []
    for _ in range(queries):
        _, platform, ident_ = rng.choice(rows)
        chars = list(ident_)
        pos = rng.randrange(len(chars))
        chars[pos] = rng.choice("abcdefghklmnopqrstuvxy0123456789")
        probes.append((platform if rng.random() < 0.8 else None, "".join(chars)))
    t0 = time.perf_counter()
    found = 0
    for probe_platform, cand in probes:
        found += bool(index.find(probe_platform, cand))
    per_find = (time.perf_counter() - t0) / queries
    return {"build_s": build, "find_ms": per_find * 1000, "hit_rate": found / queries}


if __name__ == "__main__":
    result = _benchmark()
    sys.stdout.write(
        f"build 20,000 entries: {result['build_s']:.3f} s; find: {result['find_ms']:.3f} ms"
        f" per lookup ({1000 / result['find_ms']:.0f}/s on one core);"
        f" hit rate {result['hit_rate']:.0%}\n"
    )
