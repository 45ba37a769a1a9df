"""Tests for registry.lookalike: skeletons, the bounded distance, and the deletion index."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import lookalike as lookalike_module
from registry.lookalike import (
    LookalikeIndex,
    _benchmark,
    _bits,
    _mask_of,
    damerau_levenshtein,
    skeleton,
)

# --- skeleton -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ubndxaminhchau", "ubndxam1nhchau"),  # 1 / i
        ("ubndxaminhchau", "ubndxamlnhchau"),  # l / i
        ("congan.hoabinh", "c0ngan.h0abinh"),  # 0 / o
        ("ubndxaminhchau", "UBNDXaMinhChau"),  # case
        ("ubndxaminhchau", "ubnd.xa.minh.chau"),  # dots
        ("ubndxaminhchau", "ubnd_xa-minh chau"),  # underscores, hyphens, spaces
        ("ubndxaminhchau", "ubndxаminhchau"),  # Cyrillic а
        ("ubndxaminhchau", "ubndхаminhсhаu"),  # Cyrillic х а с
        ("tuoitre", "tuοitrе"),  # Greek ο, Cyrillic е
        ("ubndxaminhchau", "UBND xã Minh Châu"),  # accents
        ("doanthanhnien", "đoanthanhnien"),  # đ
        ("modern", "rnodern"),  # rn / m
        ("www", "vvvvvv"),  # vv / w
        ("se3", "s3e"),  # 3 / e
        ("sos", "5o5"),  # 5 / s
        ("ｕｂｎｄ", "ubnd"),  # full width
    ],
)
def test_skeleton_folds_lookalikes(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_skeleton_keeps_distinct_names_distinct() -> None:
    assert skeleton("ubndxaminhchau") != skeleton("ubndxaminhhoa")
    assert skeleton("hanoi") != skeleton("hanam")


def test_skeleton_drops_youtube_prefixes() -> None:
    assert skeleton("@ubndxa") == skeleton("ubndxa")
    assert skeleton("c/ubndxa") == skeleton("ubndxa")
    assert skeleton("user/ubndxa") == skeleton("ubndxa")


@pytest.mark.parametrize(
    "host",
    [
        "hanoi.gov.vn",
        "www.hanoi.gov.vn",
        "hanoi.com.vn",
        "hanoi.vn",
        "hanoi.com",
        "hanoi-gov.vn",
        "hanoi-gov-vn.com",
        "hanol.gov.vn",
        "xn--hni-9ka0849a.vn",  # hànội.vn
    ],
)
def test_website_skeleton_ignores_suffix(host: str) -> None:
    assert skeleton(host, platform="website") == "hanol"


def test_website_subdomains_are_kept() -> None:
    assert skeleton("ubnd.hanoi.gov.vn", platform="website") == skeleton("ubndhanoi")
    # without platform="website" a dotted identifier is an ordinary handle
    assert skeleton("ubnd.xa.vn") == skeleton("ubndxavn")


def test_skeleton_may_be_empty() -> None:
    assert skeleton("___") == ""
    assert skeleton("") == ""


# --- distance -----------------------------------------------------------------------------------


def _osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@pytest.mark.parametrize(
    ("a", "b", "k", "expected"),
    [
        ("abc", "abc", 2, 0),
        ("abc", "acb", 2, 1),  # transposition
        ("abc", "abd", 2, 1),
        ("abc", "abcd", 2, 1),
        ("abc", "ab", 2, 1),
        ("abcdef", "badcfe", 5, 3),
        ("kitten", "sitting", 3, 3),
        ("kitten", "sitting", 2, 3),  # beyond the bound: bound + 1
        ("", "abc", 1, 2),
        ("", "", 0, 0),
        ("ca", "abc", 3, 3),  # OSA, not unrestricted Damerau
    ],
)
def test_damerau_levenshtein_examples(a: str, b: str, k: int, expected: int) -> None:
    assert damerau_levenshtein(a, b, k) == expected
    assert damerau_levenshtein(b, a, k) == expected


def test_damerau_levenshtein_rejects_negative_bound() -> None:
    with pytest.raises(ValueError):
        damerau_levenshtein("a", "b", -1)


@settings(max_examples=500)
@given(
    st.text(alphabet="abcd", max_size=9),
    st.text(alphabet="abcd", max_size=9),
    st.integers(min_value=0, max_value=5),
)
def test_damerau_levenshtein_matches_reference(a: str, b: str, k: int) -> None:
    exact = _osa(a, b)
    assert damerau_levenshtein(a, b, k) == (exact if exact <= k else k + 1)


# --- index --------------------------------------------------------------------------------------


@pytest.fixture
def index() -> LookalikeIndex:
    ix = LookalikeIndex()
    ix.add("fb-minhchau", "facebook", "ubndxaminhchau", "UBND xã Minh Châu")
    ix.add("fb-hoabinh", "facebook", "congan.hoabinh", "Công an tỉnh Hòa Bình")
    ix.add("fb-id", "facebook", "100064012345678", "Xã Tân Lập")
    ix.add("yt-minhchau", "youtube", "@ubndxaminhchau", "UBND xã Minh Châu")
    ix.add("web-hanoi", "website", "hanoi.gov.vn", "Cổng thông tin Hà Nội")
    ix.add("tt-short", "tiktok", "abc", None)
    return ix


@pytest.mark.parametrize(
    "candidate",
    [
        "ubndxam1nhchau",  # 1 for i
        "ubndxamlnhchau",  # l for i
        "ubnd.xa.minhchau",  # added dots
        "ubnd_xa_minhchau",  # added underscores
    ],
)
def test_finds_visual_lookalikes(index: LookalikeIndex, candidate: str) -> None:
    assert index.find("facebook", candidate) == ["fb-minhchau"]


def test_finds_zero_for_o(index: LookalikeIndex) -> None:
    assert index.find("facebook", "c0ngan.h0abinh") == ["fb-hoabinh"]


def test_finds_one_letter_edits(index: LookalikeIndex) -> None:
    assert index.find("facebook", "ubndxaminhchao") == ["fb-minhchau"]  # substitution
    assert index.find("facebook", "ubndxaminhcahu") == ["fb-minhchau"]  # transposition
    assert index.find("facebook", "ubndxaminhchauu") == ["fb-minhchau"]  # insertion
    assert index.find("facebook", "ubndxminhchau") == ["fb-minhchau"]  # deletion
    assert index.find("facebook", "ubndxamlnhchao1") == ["fb-minhchau"]  # two edits, long


def test_finds_cyrillic(index: LookalikeIndex) -> None:
    assert index.find("facebook", "ubndxаminhchаu") == ["fb-minhchau"]
    assert index.find("facebook", "сongаn.hоаbinh") == ["fb-hoabinh"]


def test_finds_same_display_name(index: LookalikeIndex) -> None:
    found = index.find("facebook", "trangtinxa2024", "UBND Xã Minh Chau")
    assert found == ["fb-minhchau"]
    # display names match for opaque ids too
    assert index.find("facebook", "100099999999999", "Xã Tân Lập") == ["fb-id"]


def test_unrelated_is_not_a_lookalike(index: LookalikeIndex) -> None:
    assert index.find("facebook", "baomoi.tintuc") == []
    assert index.find("facebook", "ubndxaminhhoa") == []  # a different commune
    assert index.find("facebook", "ubndxaminhchau.official") == []  # too far
    assert index.find("facebook", "tintuc", "Báo Mới") == []


def test_exact_identifier_is_never_returned(index: LookalikeIndex) -> None:
    assert index.find("facebook", "ubndxaminhchau") == []
    assert index.find("facebook", "ubndxaminhchau", "UBND xã Minh Châu") == []
    assert index.find("website", "hanoi.gov.vn") == []
    # but the same identifier on another platform is a lookalike there
    assert index.find("facebook", "@ubndxaminhchau") == ["fb-minhchau"]


def test_platform_filter_and_any_platform(index: LookalikeIndex) -> None:
    assert index.find("youtube", "@ubndxam1nhchau") == ["yt-minhchau"]
    assert set(index.find(None, "ubndxam1nhchau")) == {"fb-minhchau", "yt-minhchau"}
    assert index.find("tiktok", "ubndxam1nhchau") == []


def test_websites(index: LookalikeIndex) -> None:
    assert index.find("website", "hanoi.com.vn") == ["web-hanoi"]
    assert index.find("website", "hanoi-gov.vn") == ["web-hanoi"]
    assert index.find("website", "www.hanol.gov.vn") == ["web-hanoi"]
    assert index.find(None, "hanoi-gov.vn") == ["web-hanoi"]
    assert index.find("website", "danang.gov.vn") == []


def test_opaque_ids_are_not_fuzzy(index: LookalikeIndex) -> None:
    assert index.find("facebook", "100064012345679") == []
    uc = "UCaBcDeFgHiJkLmNoPqRsTuV"
    ix = LookalikeIndex()
    ix.add(1, "youtube", uc)
    assert ix.find("youtube", uc[:-1] + "W") == []


def test_short_identifiers_only_match_exact_skeleton(index: LookalikeIndex) -> None:
    assert index.find("tiktok", "abd") == []
    assert index.find("tiktok", "a.b.c") == ["tt-short"]


def test_ranking_limit_and_duplicate_keys() -> None:
    ix = LookalikeIndex()
    ix.add("two-away", "facebook", "ubndxaminhchoo")
    ix.add("one-away", "facebook", "ubndxaminhchao")
    ix.add("same-skeleton", "facebook", "ubnd.xa.minh.chau")
    ix.add("same-skeleton", "facebook", "ubnd_xa_minh_chau")  # one key, two identifiers
    ix.add("name-only", "facebook", "trangtin", "UBND xã Minh Châu")
    found = ix.find("facebook", "ubndxaminhchau", "UBND xa Minh Chau")
    assert found == ["same-skeleton", "one-away", "name-only", "two-away"]
    assert ix.find("facebook", "ubndxaminhchau", "UBND xa Minh Chau", limit=2) == [
        "same-skeleton",
        "one-away",
    ]
    assert ix.find("facebook", "ubndxaminhchau", limit=0) == []


def test_add_after_find_keeps_working() -> None:
    ix = LookalikeIndex()
    for i in range(100):  # long posting lists become bit masks on the first find
        ix.add(i, "facebook", f"ubndxa{i:03d}abcdef")
    assert 5 in ix.find("facebook", "ubndxa005abcdeg")
    ix.add("late", "facebook", "ubndxa999zzzzzz")
    assert ix.find("facebook", "ubndxa999zzzzzy") == ["late"]
    assert len(ix) == 101


# The deletion index must be exactly as good as scanning every entry.

_alphabet = "abcnhmu.0l1"


def _brute_force(entries: list[tuple[int, str, str]], platform: str | None, ident: str) -> set[int]:
    from registry.lookalike import _max_distance

    skel = skeleton(ident)
    out = set()
    for key, plat, other in entries:
        if platform is not None and plat != platform:
            continue
        if other == ident:
            continue
        oskel = skeleton(other)
        if not skel or not oskel:
            continue
        bound = _max_distance(min(len(skel), len(oskel)))
        if oskel == skel or (bound and damerau_levenshtein(skel, oskel, bound) <= bound):
            out.add(key)
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["facebook", "tiktok"]), st.text(_alphabet, max_size=16)),
        max_size=60,
    ),
    st.lists(st.text(_alphabet, max_size=16), min_size=1, max_size=10),
    st.sampled_from(["facebook", None]),
)
def test_index_agrees_with_brute_force(
    rows: list[tuple[str, str]], probes: list[str], platform: str | None
) -> None:
    _check_against_brute_force(rows, probes, platform)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["facebook", "tiktok"]), st.text(_alphabet, max_size=16)),
        max_size=60,
    ),
    st.lists(st.text(_alphabet, max_size=16), min_size=1, max_size=10),
    st.sampled_from(["facebook", None]),
)
def test_index_agrees_with_brute_force_when_postings_are_bit_masks(
    rows: list[tuple[str, str]], probes: list[str], platform: str | None
) -> None:
    # every posting list longer than one entry becomes a bit mask on freeze
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lookalike_module, "_MASK_ABOVE", 1)
        _check_against_brute_force(rows, probes, platform)


def test_bits_and_masks_round_trip() -> None:
    numbers = [0, 1, 7, 8, 9, 63, 64, 1000, 19_999]
    mask = _mask_of(numbers, 2500)
    assert mask == sum(1 << n for n in numbers)
    assert _bits(mask) == numbers
    assert _bits(0) == []


@settings(deadline=None)  # the machine may be loaded
@given(st.sets(st.integers(0, 19_999), max_size=300))
def test_bits_lists_every_set_bit_in_order(numbers: set[int]) -> None:
    # few bits are peeled off one by one, more are read from the mask's binary text
    assert _bits(sum(1 << n for n in numbers)) == sorted(numbers)


def _check_against_brute_force(
    rows: list[tuple[str, str]], probes: list[str], platform: str | None
) -> None:
    entries = [(k, plat, ident.strip()) for k, (plat, ident) in enumerate(rows)]
    entries = [e for e in entries if e[2] and not e[2].isdigit()]
    ix = LookalikeIndex()
    for key, plat, ident in entries:
        ix.add(key, plat, ident)
    # also probe with mutations of registered identifiers, which are the interesting cases
    rng = random.Random(len(entries))
    for _, _, ident in entries[:10]:
        chars = list(ident)
        for _ in range(rng.randint(1, 2)):
            op = rng.randrange(3)
            pos = rng.randrange(len(chars) + 1)
            if op == 0:
                chars.insert(pos, rng.choice(_alphabet))
            elif chars and op == 1:
                del chars[min(pos, len(chars) - 1)]
            elif chars:
                chars[min(pos, len(chars) - 1)] = rng.choice(_alphabet)
        probes.append("".join(chars))
    for probe in probes:
        probe = probe.strip()
        if not probe or probe.isdigit():
            continue
        expected = _brute_force(entries, platform, probe)
        assert set(ix.find(platform, probe, limit=10_000)) == expected, probe


# --- speed --------------------------------------------------------------------------------------


def test_twenty_thousand_entries_are_fast(capsys: pytest.CaptureFixture[str]) -> None:
    result = _benchmark(n=20_000, queries=2_000)
    # a bare interpreter loop, to tell a slow machine from a slow index
    t0 = time.perf_counter()
    for _ in range(10**6):
        pass
    loop = time.perf_counter() - t0
    with capsys.disabled():
        print(
            f"\nlookalike: build 20,000 entries {result['build_s']:.3f} s, "
            f"find {result['find_ms']:.3f} ms/lookup, hit rate {result['hit_rate']:.0%} "
            f"(10^6 empty loop iterations: {loop:.3f} s)"
        )
    # generous bounds: CI machines are shared; the design target is < 1 s and < 1 ms
    assert result["build_s"] < 5 + 20 * loop
    assert result["find_ms"] < 5 + 50 * loop
    assert result["hit_rate"] > 0.6
