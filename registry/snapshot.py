"""What the public lookup reads: an immutable, in-memory picture of the registry.

A :class:`Snapshot` is two :class:`Layer` s built by the same code: a *base* over every
channel (built rarely, about a second at 20,000 channels) and a small *overlay* over the
channels written since the base was read (``Channel.change_seq`` above the base's version;
rebuilt in milliseconds after each write). The overlay's picture of a channel wins; an answer
found in the base is checked against the channel's current picture, so a channel retired, or
given another platform id, after the base was built is never answered from its old state.
Neither layer changes once built: a lookup holds one snapshot from start to end while the
refresher (``registry.index``) swaps in the next.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any

from core.text import fold
from registry.lookalike import LookalikeIndex, fold_name

# Whole lookup answers remembered per snapshot: a link that is going round is checked by many
# people. About 1 kB each.
RESULT_CACHE_SIZE = 4096
# A name query ranks at most this many of the channels bearing all its words (in the order of
# the posting lists: verified first, then shorter names), so "xã" alone costs no more than
# "Đặc khu Cô Tô".
NAME_CANDIDATES = 200

# A bare handle may be any of these identifiers: (platform, prefix added to the handle)
BARE_FORMS: tuple[tuple[str, str], ...] = (
    ("facebook", ""),
    ("instagram", ""),
    ("tiktok", ""),
    ("zalo", ""),
    ("youtube", "@"),
    ("youtube", "c/"),
    ("youtube", "user/"),
    ("website", ""),
    ("other", ""),
)

ROW_FIELDS = (
    "id",
    "platform",
    "identifier",
    "url",
    "display_name",
    "status",
    "verified_at",
    "retired_at",
    "external_id",
    "unit__code",
    "unit__name",
    "unit__path",
)
_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    """Folded whole words: "Đặc khu Cô Tô" -> ["dac", "khu", "co", "to"]."""
    return list(_words(text))


@lru_cache(maxsize=1 << 14)
def _words(text: str) -> tuple[str, ...]:
    # cached: a base build folds every unit's name once per channel of the unit
    return tuple(_WORD.findall(fold(text)))


def name_key(display_name: str) -> str:
    """The display name's skeleton, "" when too short to compare (the look-alike index's)."""
    return fold_name(display_name)


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What the public may know of a registered channel and its unit."""

    id: int
    platform: str
    identifier: str
    url: str
    display_name: str
    status: str
    verified_at: Any  # datetime | None
    retired_at: Any  # datetime | None
    external_id: str
    unit_code: str
    unit_name: str
    unit_path: str

    @property
    def platform_label(self) -> str:
        from registry.models import Channel

        return str(Channel.Platform(self.platform).label)

    @property
    def status_label(self) -> str:
        from registry.models import Channel

        return str(Channel.Status(self.status).label)

    @property
    def name(self) -> str:
        return self.display_name or self.identifier

    @property
    def name_words(self) -> list[str]:
        return words_of(self.display_name)

    @property
    def all_words(self) -> set[str]:
        return set(_words(self.display_name)).union(_words(self.unit_name))

    def channel_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "platform": self.platform,
            "platform_label": self.platform_label,
            "identifier": self.identifier,
            "url": self.url,
            "display_name": self.display_name,
            "status": self.status,
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
        }

    def unit_json(self) -> dict[str, str]:
        return {"code": self.unit_code, "name": self.unit_name, "path": self.unit_path}


class ResultCache:
    """A small thread-safe LRU map (gunicorn may run threads)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[object, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: object) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._data.move_to_end(key)
            return value

    def put(self, key: object, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


RETIRED = "retired"
VERIFIED = "verified"


@dataclass
class Layer:
    by_id: dict[int, ChannelInfo] = field(default_factory=dict)
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)
    by_external: dict[tuple[str, str], int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    # folded word -> ids, verified first then fewer words (the order a name query ranks in)
    words: dict[str, list[int]] = field(default_factory=dict)
    word_sets: dict[str, frozenset[int]] = field(default_factory=dict)
    lookalikes: LookalikeIndex = field(default_factory=LookalikeIndex)


def build_layer(rows: Iterable[tuple[Any, ...]], pause: Callable[[], None] | None = None) -> Layer:
    """One layer over ``rows`` (``ROW_FIELDS`` tuples). ``pause`` is called every few hundred
    rows: the background refresher lets request threads take the interpreter there."""
    layer = Layer()
    ranked: list[tuple[bool, int, int, set[str]]] = []
    for n, row in enumerate(rows, 1):
        info = _add_info(layer, row)
        if info.status != RETIRED:
            key = name_key(info.display_name)
            if key:
                layer.by_name.setdefault(key, []).append(info.id)
            layer.lookalikes.add(info.id, info.platform, info.identifier, info.display_name)
            words = info.all_words
            ranked.append((info.status != VERIFIED, len(words), info.id, words))
        if pause is not None and n % 300 == 0:
            pause()
    ranked.sort(key=lambda r: r[:3])
    for _, _, cid, words in ranked:
        for word in words:
            layer.words.setdefault(word, []).append(cid)
    layer.word_sets = {w: frozenset(ids) for w, ids in layer.words.items()}
    if pause is not None:
        pause()
    # the first find() freezes the index; do it now rather than in a request
    layer.lookalikes.find("facebook", "warm-up-probe")
    return layer


def _add_info(layer: Layer, row: tuple[Any, ...]) -> ChannelInfo:
    info = ChannelInfo(*row)
    layer.by_id[info.id] = info
    layer.by_key[(info.platform, info.identifier)] = info.id
    if info.external_id:
        layer.by_external[(info.platform, info.external_id)] = info.id
    return info


row_of = attrgetter(*(f.replace("unit__", "unit_") for f in ROW_FIELDS))  # info -> its row


def layer_state(layer: Layer) -> tuple[Any, ...]:
    """A built layer as plain tuples, lists and dicts (``ROW_FIELDS`` rows and the indexes),
    which ``layer_from_state`` turns back into a layer in about a tenth of a build's time:
    the folding and the look-alike deletions are not done again."""
    rows = [row_of(info) for info in layer.by_id.values()]
    return (rows, layer.by_name, layer.words, layer.lookalikes.state())


def layer_from_state(state: tuple[Any, ...]) -> Layer:
    rows, by_name, words, lookalikes = state
    layer = Layer(by_name=by_name, words=words)
    for row in rows:
        _add_info(layer, row)
    layer.word_sets = {w: frozenset(ids) for w, ids in words.items()}
    layer.lookalikes = LookalikeIndex.from_state(lookalikes)
    return layer


EMPTY = Layer()


@dataclass
class Snapshot:
    """A base layer and an overlay; ``version`` is the registry version both reflect."""

    version: int
    base_seq: int  # the registry version read before the base's rows
    built_at: float  # when the base was built (time.monotonic)
    base: Layer
    overlay: Layer = field(default_factory=Layer)
    epoch: str = ""  # RegistryVersion.epoch: which database this was read from
    # The last comparison of every channel's row with the base (registry.index.resync), and
    # the rows found to differ then (``ROW_FIELDS`` tuples): they stay in the overlay.
    synced_at: float = 0.0
    drift: tuple[tuple[Any, ...], ...] = ()
    results: ResultCache = field(default_factory=lambda: ResultCache(RESULT_CACHE_SIZE))

    @property
    def overlay_size(self) -> int:
        return len(self.overlay.by_id)

    def info(self, cid: int) -> ChannelInfo | None:
        return self.overlay.by_id.get(cid) or self.base.by_id.get(cid)

    def by_key(self, key: tuple[str, str]) -> ChannelInfo | None:
        cid = self.overlay.by_key.get(key) or self.base.by_key.get(key)
        return self.info(cid) if cid is not None else None

    def by_external(self, key: tuple[str, str]) -> ChannelInfo | None:
        cid = self.overlay.by_external.get(key)
        if cid is None:
            cid = self.base.by_external.get(key)
        info = self.info(cid) if cid is not None else None
        return info if info is not None and info.external_id == key[1] else None

    def by_name(self, key: str) -> list[ChannelInfo]:
        out: dict[int, ChannelInfo] = {}
        for cid in (*self.overlay.by_name.get(key, ()), *self.base.by_name.get(key, ())):
            info = self.info(cid)
            if info is not None and info.status != RETIRED and name_key(info.display_name) == key:
                out.setdefault(cid, info)
        return list(out.values())

    def find(
        self,
        platform: str | None,
        identifier: str,
        display_name: str | None = None,
        limit: int = 5,
    ) -> list[ChannelInfo]:
        """Channels (not retired) that look like the candidate; see LookalikeIndex.find."""
        out: dict[int, ChannelInfo] = {}
        for layer in (self.base, self.overlay):
            if not len(layer.lookalikes):
                continue
            for cid in layer.lookalikes.find(platform, identifier, display_name, limit=limit):
                info = self.info(cid)  # type: ignore[arg-type]
                if info is not None and info.status != RETIRED:
                    out.setdefault(info.id, info)
        return list(out.values())

    def name_search(self, words: list[str], limit: int) -> tuple[list[ChannelInfo], bool]:
        """Channels (not retired) whose display name and unit name hold every word of
        ``words`` as a whole word, best first; and whether more than ``limit`` matched."""
        if not words:
            return [], False
        found: dict[int, ChannelInfo] = {}
        more = False
        overlay = self.overlay.by_id
        for layer in (self.overlay, self.base):
            sets = [layer.word_sets.get(w) for w in words]
            if not all(sets):
                continue
            order = min(words, key=lambda w: len(layer.word_sets[w]))
            others = [s for w, s in zip(words, sets, strict=True) if w != order]
            taken = 0
            for cid in layer.words[order]:
                if layer is self.base and cid in overlay:
                    continue  # the overlay holds its current picture
                if all(cid in s for s in others):  # type: ignore[operator]
                    info = layer.by_id[cid] if layer is self.overlay else self.info(cid)
                    if info is None or info.status == RETIRED:
                        continue
                    found.setdefault(cid, info)
                    taken += 1
                    if taken >= NAME_CANDIDATES:
                        more = True
                        break
        wanted = " ".join(words)

        def rank(info: ChannelInfo) -> tuple[int, int, bool, int, int]:
            name = info.name_words
            return (
                " ".join(name) != wanted,  # the exact name first
                not set(words) <= set(name),  # then names holding every word
                info.status != VERIFIED,
                len(name) + len(words_of(info.unit_name)),
                info.id,
            )

        ranked = sorted(found.values(), key=rank)
        return ranked[:limit], more or len(ranked) > limit


def now() -> float:
    return time.monotonic()
