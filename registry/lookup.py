"""The public check "is this page official?": one answer for the page, the API and
``lookup_channel``.

Statuses (the JSON's ``status``):

* ``official``: the link or handle is a verified channel;
* ``pending``: registered, not yet verified (``lookalike_of`` lists the verified channels it
  resembles: a pending look-alike keeps the warning);
* ``lookalike``: not registered (or retired), but resembles the channels in ``similar``;
* ``fake_platform``: the link's host imitates a platform's domain (``imitates``);
* ``name_matches``: the query is a name, which proves nothing; ``similar`` lists the
  channels bearing it;
* ``not_found``.

A hidden (invisible or direction-changing) character inside the query never leads to
``official`` or ``pending``: the answer becomes ``lookalike`` of the channel it imitates, with
``"hidden_characters"`` in ``warnings``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language

from registry import fakes, index
from registry.normalize import (
    BareHandle,
    Canonical,
    NotAChannel,
    parse_query,
    strip_hidden,
)
from registry.snapshot import BARE_FORMS, VERIFIED, ChannelInfo, Snapshot, words_of

SIMILAR_LIMIT = 5
NAME_LIMIT = 10
NAME_WORDS_MAX = 8

OFFICIAL = "official"
PENDING = "pending"
LOOKALIKE = "lookalike"
FAKE_PLATFORM = "fake_platform"
NAME_MATCHES = "name_matches"
NOT_FOUND = "not_found"
INVALID = "invalid"  # never in the JSON: the API answers 400 and the page shows the message
STATUSES = (OFFICIAL, PENDING, LOOKALIKE, FAKE_PLATFORM, NAME_MATCHES, NOT_FOUND)
HIDDEN_CHARACTERS = "hidden_characters"


@dataclass
class LookupResult:
    status: str
    query: str
    channel: ChannelInfo | None = None
    similar: list[ChannelInfo] = field(default_factory=list)
    lookalike_of: list[ChannelInfo] = field(default_factory=list)
    warnings: tuple[str, ...] = ()
    imitates: str = ""  # the platform a fake host imitates
    more: bool = False  # more name matches than listed
    error: str = ""
    error_code: str = ""
    bare: bool = False  # the query was a bare @handle or name, not a link
    canonical: Canonical | None = None

    @property
    def hidden_characters(self) -> bool:
        return HIDDEN_CHARACTERS in self.warnings

    @property
    def imitates_label(self) -> str:
        from registry.models import Channel

        return str(Channel.Platform(self.imitates).label) if self.imitates else ""

    @property
    def imitates_name(self) -> str:
        """The platform's plain name, for "Đây không phải Facebook"."""
        names = {"facebook": "Facebook", "zalo": "Zalo", "youtube": "YouTube"}
        names |= {"tiktok": "TikTok", "instagram": "Instagram"}
        return names.get(self.imitates, "")

    def as_json(self) -> dict[str, Any]:
        def pair(info: ChannelInfo) -> dict[str, Any]:
            return {"channel": info.channel_json(), "unit": info.unit_json()}

        return {
            "status": self.status,
            "channel": self.channel.channel_json() if self.channel else None,
            "unit": self.channel.unit_json() if self.channel else None,
            "similar": [pair(s) for s in self.similar],
            "lookalike_of": [pair(s) for s in self.lookalike_of],
            "imitates": self.imitates or None,
            "warnings": list(self.warnings),
        }


def _status_of(info: ChannelInfo) -> str:
    if info.status == VERIFIED:
        return OFFICIAL
    if info.status == "pending":
        return PENDING
    return NOT_FOUND  # retired: no longer official


def _rank(infos: list[ChannelInfo]) -> list[ChannelInfo]:
    """Verified before pending, keeping the given order otherwise; no duplicates."""
    seen: set[int] = set()
    unique = []
    for info in infos:
        if info.id not in seen and info.status != "retired":
            seen.add(info.id)
            unique.append(info)
    return sorted(unique, key=lambda i: i.status != VERIFIED)


def similar_channels(
    snap: Snapshot,
    *,
    platform: str,
    identifier: str,
    display_name: str = "",
    unit_code: str = "",
    exclude_id: int | None = None,
) -> list[ChannelInfo]:
    """Channels a channel of ``unit_code`` with this identifier would be a look-alike of:
    another unit's channels (the same identifier on another platform too), and verified
    channels of the same unit on the same platform. The same rules as the public check."""
    found = snap.find(platform, identifier, display_name or None, limit=20)
    handle = identifier.removeprefix("@")
    for other_platform, prefix in BARE_FORMS:  # the same handle on another platform
        if other_platform != platform:
            other = snap.by_key((other_platform, prefix + handle))
            if other is not None:
                found.append(other)
    out = []
    for info in _rank(found):
        if info.id == exclude_id or (info.platform, info.identifier) == (platform, identifier):
            continue
        if unit_code and info.unit_code == unit_code:
            if info.status != VERIFIED or info.platform != platform:
                continue
        out.append(info)
    return out[:SIMILAR_LIMIT]


def _verified_lookalikes(snap: Snapshot, info: ChannelInfo) -> list[ChannelInfo]:
    found = similar_channels(
        snap,
        platform=info.platform,
        identifier=info.identifier,
        display_name=info.display_name,
        unit_code=info.unit_code,
        exclude_id=info.id,
    )
    return [s for s in found if s.status == VERIFIED]


def _website_parent(snap: Snapshot, host: str) -> ChannelInfo | None:
    """A subdomain of a registered site is run by the same owner (dichvucong.x.gov.vn)."""
    labels = host.split(".")
    for start in range(1, len(labels) - 1):
        info = snap.by_key(("website", ".".join(labels[start:])))
        if info is not None and info.status != "retired":
            return info
    return None


def lookup(query: str) -> LookupResult:
    """Is ``query`` (a link, a domain, an @handle or a page name) an official channel?"""
    result, _, canonical = _lookup(query)
    if result.status == INVALID:
        return result
    return replace(result, query=query if isinstance(query, str) else "", canonical=canonical)


def lookup_json(query: str) -> tuple[int, bytes]:
    """HTTP status and JSON body of ``GET /api/registry/lookup`` (the LookupOut schema, or
    ``{"detail": {"q": message}}`` with 400 for input that cannot designate a channel)."""
    result, body, _ = _lookup(query)
    if result.status == INVALID:
        return 400, _dumps({"detail": {"q": result.error}})
    return 200, body


def _dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=1 << 16)
def _pair(info: ChannelInfo, language: str | None) -> tuple[str, str]:
    """The JSON of a channel and of its unit, serialised once per picture of the channel and
    language (the platform's label is translated) rather than once per answer."""
    return _encode(info.channel_json()), _encode(info.unit_json())


def _body(result: LookupResult) -> bytes:
    """``_dumps(result.as_json())``, byte for byte, from the channels' cached fragments."""
    language = get_language()

    def pairs(infos: list[ChannelInfo]) -> str:
        out = []
        for info in infos:
            channel, unit = _pair(info, language)
            out.append(f'{{"channel":{channel},"unit":{unit}}}')
        return ",".join(out)

    channel, unit = _pair(result.channel, language) if result.channel else ("null", "null")
    return (
        f'{{"status":{_encode(result.status)},"channel":{channel},"unit":{unit},'
        f'"similar":[{pairs(result.similar)}],"lookalike_of":[{pairs(result.lookalike_of)}],'
        f'"imitates":{_encode(result.imitates or None)},"warnings":{_encode(list(result.warnings))}}}'
    ).encode()


def _lookup(query: str) -> tuple[LookupResult, bytes, Canonical | None]:
    """The cached answer (its ``query`` and ``canonical`` are another asker's: ``lookup``
    sets them), its JSON, and the query's canonical form."""
    text = query if isinstance(query, str) else ""
    cleaned, hidden = strip_hidden(text)
    try:
        parsed = parse_query(cleaned)
    except NotAChannel as exc:
        return LookupResult(INVALID, text, error=exc.message, error_code=exc.code), b"", None
    snap = index.get()
    # The answer depends only on the normalised query and the snapshot (one registry version),
    # and the JSON on the language too (it carries the platform's translated label).
    query_key = parsed.key if isinstance(parsed, Canonical) else ("", parsed.text, parsed.at)
    key = (query_key, hidden, get_language())
    cached = snap.results.get(key)
    if cached is None:
        result = _answer(snap, parsed, cleaned)
        if hidden:
            result = _hidden(result)
        cached = (result, _body(result))
        snap.results.put(key, cached)
    result, body = cached
    return result, body, parsed if isinstance(parsed, Canonical) else None


def _hidden(result: LookupResult) -> LookupResult:
    """A hidden character inside: what it imitates is never its verdict."""
    warnings = (*result.warnings, HIDDEN_CHARACTERS)
    if result.status in (OFFICIAL, PENDING) and result.channel is not None:
        similar = [result.channel, *result.similar][:SIMILAR_LIMIT]
        return replace(
            result,
            status=LOOKALIKE,
            channel=None,
            similar=similar,
            lookalike_of=[],
            warnings=warnings,
        )
    return replace(result, warnings=warnings)


def _answer(snap: Snapshot, parsed: Canonical | BareHandle, text: str) -> LookupResult:
    if isinstance(parsed, Canonical):
        return _answer_link(snap, parsed, text)
    if " " in parsed.text:
        return _answer_name(snap, parsed)
    return _answer_handle(snap, parsed)


def _answer_link(snap: Snapshot, parsed: Canonical, text: str) -> LookupResult:
    result = LookupResult(NOT_FOUND, "", canonical=parsed)
    info = snap.by_key(parsed.key) or snap.by_external(parsed.key)
    if info is None and parsed.platform == "website":
        info = _website_parent(snap, parsed.identifier)
    if info is not None:
        result.status = _status_of(info)
        result.channel = info
        if result.status == OFFICIAL:
            return result
        result.lookalike_of = _verified_lookalikes(snap, info)
        if result.status == PENDING:
            return result
    if parsed.platform == "website" and info is None:
        imitated = fakes.imitated_platform(parsed.identifier)
        if imitated:
            result.status = FAKE_PLATFORM
            result.imitates = imitated
            result.similar = _real_channel(snap, text, imitated)
            return result
    # Not registered (or retired): does it resemble a registered channel?
    similar = snap.find(parsed.platform, parsed.identifier, limit=SIMILAR_LIMIT)
    bare_handle = parsed.identifier.lstrip("@")
    for platform, prefix in BARE_FORMS:  # the same handle on another platform
        other = snap.by_key((platform, prefix + bare_handle))
        if other is not None and other.platform != parsed.platform:
            similar.append(other)
    if not similar:
        similar = snap.find(None, parsed.identifier, limit=SIMILAR_LIMIT)
    result.similar = _rank(similar)[:SIMILAR_LIMIT]
    if result.similar and result.channel is None:
        result.status = LOOKALIKE
    return result


def _real_channel(snap: Snapshot, text: str, platform: str) -> list[ChannelInfo]:
    """The registered channel the fake link's path names on the real platform, if any."""
    try:
        parsed = parse_query(fakes.real_link(text, platform))
    except (NotAChannel, ValueError):
        return []
    if not isinstance(parsed, Canonical) or parsed.platform == "website":
        return []
    real = _answer_link(snap, parsed, "")
    found = [real.channel] if real.channel is not None else []
    return _rank([*found, *real.similar])[:SIMILAR_LIMIT]


def _exact_handle(snap: Snapshot, handle: str) -> list[ChannelInfo]:
    exact: list[ChannelInfo] = []
    for platform, prefix in BARE_FORMS:
        for info in (
            snap.by_key((platform, prefix + handle)),
            snap.by_external((platform, prefix + handle)),
        ):
            if info is not None:
                exact.append(info)
    return _rank(exact)


def _answer_handle(snap: Snapshot, parsed: BareHandle) -> LookupResult:
    """One word: a handle when a channel has it exactly, else a look-alike or a name."""
    handle = parsed.text
    result = LookupResult(NOT_FOUND, "", bare=True)
    exact = _exact_handle(snap, handle)
    if exact:
        result.channel = exact[0]
        result.status = _status_of(exact[0])
        result.similar = exact[1 : SIMILAR_LIMIT + 1]
        if result.status == PENDING:
            result.lookalike_of = _verified_lookalikes(snap, exact[0])
        return result
    result.similar = _rank(snap.find(None, handle, limit=SIMILAR_LIMIT))
    if result.similar:
        result.status = LOOKALIKE
        return result
    if parsed.at:
        return result
    return _answer_name(snap, parsed)


def _answer_name(snap: Snapshot, parsed: BareHandle) -> LookupResult:
    """A name proves nothing: list the channels bearing it, never a verdict."""
    result = LookupResult(NOT_FOUND, "", bare=True)
    words = words_of(parsed.text)[:NAME_WORDS_MAX]
    matches, more = snap.name_search(words, NAME_LIMIT)
    # names that only look alike ("UBND Cô Tô" for "UBND C0 T0") come after the word matches
    key = index.name_key(parsed.text)
    extra = snap.by_name(key) if key else []
    extra += snap.find(None, parsed.text.replace(" ", ""), parsed.text, limit=SIMILAR_LIMIT)
    seen = {m.id for m in matches}
    for info in _rank(extra):
        if info.id not in seen and len(matches) < NAME_LIMIT:
            matches.append(info)
            seen.add(info.id)
    result.similar = matches
    result.more = more
    if matches:
        result.status = NAME_MATCHES
    return result
