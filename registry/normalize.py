"""Canonical form of a social-channel address: "which page is this link about?".

Pure Python, stdlib only; no Django imports. Used when an editor registers an official channel
and by the public check "is this page official?".

* :func:`parse_query` takes whatever a citizen pastes (a link in any of its many shapes, a bare
  domain, a bare ``@handle`` or a page name) and returns either a :class:`Canonical` channel or
  a :class:`BareHandle` to be searched on every platform.
* :func:`normalize` is the same but insists on a channel (registration needs one).
* Anything that cannot designate a channel raises :class:`NotAChannel`, a ``ValueError`` whose
  message is user-facing Vietnamese explaining what to paste instead, and whose ``code`` is a
  stable machine-readable reason.

Choices worth knowing:

* ``normalize`` never returns platform ``"other"``: it is reserved for channels entered by hand.
* Facebook vanities keep their dots and are lower-cased; numeric ids (``profile.php?id=``,
  ``/people/…/<id>``, ``/pages/…/<id>``, ``/p/<name>-<id>``, ``/<name>-<id>``) become
  ``kind="id"``. A bare number of 8+ digits is a Facebook id, unless it starts with ``0``
  (a phone number: it stays a :class:`BareHandle`, so the caller can match Zalo ids).
* YouTube ``youtube.com/<name>`` (legacy custom URL) is the same channel as ``/c/<name>``, so
  it is stored as ``c/<name>``.
* Zalo ids are kept as given (digits, or an opaque token with its case preserved).
* Websites: identifier is the full host (lower-case, punycode, without a leading ``www.``),
  so ``ubnd.hanoi.gov.vn`` and ``hanoi.gov.vn`` are distinct sites; path, query and port
  80/443 are dropped. Other ports, IP addresses, user-info (``user@host``) are refused.
* Tracking parameters, fragments, trailing slashes and letter case are irrelevant because the
  canonical form is rebuilt only from the parts that identify the channel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit

__all__ = [
    "PLATFORMS",
    "BareHandle",
    "Canonical",
    "NotAChannel",
    "normalize",
    "parse_query",
]

PLATFORMS: tuple[str, ...] = (
    "facebook",
    "instagram",
    "zalo",
    "youtube",
    "tiktok",
    "website",
    "other",
)

MAX_LENGTH = 2000

# (host, decoded path segments, query parameters, original text) -> channel
_Handler = Callable[[str, list[str], dict[str, list[str]], str], "Canonical"]


@dataclass(frozen=True)
class Canonical:
    """One channel, in canonical form. ``(platform, identifier)`` is the registry key."""

    platform: str  # one of PLATFORMS
    identifier: str
    url: str  # canonical https URL
    kind: str  # "id", "handle" or "domain"

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.identifier)


@dataclass(frozen=True)
class BareHandle:
    """A bare ``@handle`` or page name: the caller searches every platform for it."""

    text: str  # lower-case, leading @ stripped, whitespace trimmed and collapsed
    at: bool = field(default=False, compare=False)  # typed with a leading @: a handle


class NotAChannel(ValueError):
    """The input cannot designate a channel. ``str(exc)`` is a user-facing Vietnamese message."""

    def __init__(self, message: str, code: str = "unrecognized") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- messages ----------------------------------------------------------------------------------


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _unrecognized(text: str) -> NotAChannel:
    return NotAChannel(f"Không nhận ra liên kết hoặc tên trang: {_shown(text)}")


def _not_a_page(text: str, platform_name: str) -> NotAChannel:
    return NotAChannel(
        f"Liên kết này không trỏ tới một trang hay tài khoản {platform_name}: {_shown(text)}",
        "not_a_page",
    )


def _share() -> NotAChannel:
    return NotAChannel(
        "Liên kết chia sẻ không cho biết trang: hãy mở nó và dán địa chỉ trang.", "share_link"
    )


def _group() -> NotAChannel:
    return NotAChannel(
        "Đây là liên kết nhóm, không phải trang: nhóm không thể là kênh chính thức. "
        "Hãy dán địa chỉ trang (fanpage) của cơ quan.",
        "group",
    )


def _video(platform_name: str) -> NotAChannel:
    return NotAChannel(
        f"Liên kết video {platform_name} không cho biết kênh đăng nó: hãy mở kênh (bấm vào tên "
        "kênh dưới video) và dán địa chỉ kênh.",
        "video_link",
    )


def _post(platform_name: str) -> NotAChannel:
    return NotAChannel(
        f"Liên kết bài viết {platform_name} này không cho biết tài khoản đăng nó: hãy mở tài "
        "khoản (bấm vào tên) và dán địa chỉ tài khoản.",
        "post_link",
    )


def _short_link(platform_name: str) -> NotAChannel:
    return NotAChannel(
        f"Liên kết rút gọn {platform_name} không cho biết tài khoản: hãy mở nó rồi dán địa chỉ "
        "đầy đủ của tài khoản.",
        "short_link",
    )


# --- cleaning ----------------------------------------------------------------------------------

# Invisible characters that sneak in when copying from web pages or chat apps: removed.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_WRAPPERS = "<>\"'`“”‘’«»„‟‹›「」"
_TRAILING_PUNCT = ",;"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HTTP = re.compile(r"(?i)https?:/*")
# schemes that can never be a channel; anything else followed by "//" is refused too
_BAD_SCHEMES = frozenset(
    {
        "javascript", "vbscript", "data", "file", "blob", "about", "mailto", "tel", "sms",
        "ftp", "ftps", "ws", "wss", "intent", "fb", "zalo", "chrome", "view-source", "filesystem",
    }
)  # fmt: skip


# Characters a reader cannot see, or that change the direction text is shown in. The public
# check removes them to find what the text imitates, and warns when one stood *inside* it: a
# link or handle with such a character is not the channel it looks like.
HIDDEN = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u061c\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_HIDDEN_TABLE = dict.fromkeys(map(ord, HIDDEN))
_HIDDEN_CHAR = re.compile(f"[{HIDDEN}]")
_HIDDEN_ENCODED = re.compile("|".join(re.escape(quote(ch)) for ch in HIDDEN), re.IGNORECASE)


def strip_hidden(text: str) -> tuple[str, bool]:
    """``text`` without hidden characters (raw or percent-encoded), and whether one stood
    between two visible characters (a leading or trailing one is only copy-and-paste noise)."""
    if not isinstance(text, str):
        return text, False
    marked = _HIDDEN_ENCODED.sub("\u200b", text) if "%" in text else text
    if _HIDDEN_CHAR.search(marked) is None:
        return text, False
    inner = marked.strip().strip(HIDDEN + " ")
    inside = _HIDDEN_CHAR.search(inner) is not None
    return marked.translate(_HIDDEN_TABLE), inside


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise NotAChannel("Hãy nhập liên kết hoặc tên trang cần kiểm tra.", "empty")
    if len(text) > MAX_LENGTH:
        raise NotAChannel(
            f"Nội dung quá dài (tối đa {MAX_LENGTH} ký tự): hãy dán một liên kết.", "too_long"
        )
    text = text.translate(_INVISIBLE)
    # printable ASCII (most links) holds none of these categories: skip the loop over it
    for ch in () if text.isascii() and text.isprintable() else text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\t\n\r":
            raise NotAChannel(
                "Nội dung chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ.", "control"
            )
    previous = None
    while previous != text:
        previous = text
        text = text.strip().strip(_WRAPPERS).rstrip(_TRAILING_PUNCT)
    if any(ch in text for ch in "\t\n\r"):
        raise NotAChannel("Nội dung chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ.", "control")
    if not text:
        raise NotAChannel("Hãy nhập liên kết hoặc tên trang cần kiểm tra.", "empty")
    return text


# --- hosts -------------------------------------------------------------------------------------

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


def _canonical_host(raw: str, original: str) -> str:
    host = raw.strip().lower().rstrip(".")
    if not host:
        raise _unrecognized(original)
    if host.startswith("[") or re.fullmatch(r"[0-9.]+", host) or ":" in host:
        raise NotAChannel(
            "Địa chỉ IP không phải là trang chính thức: hãy dán tên miền hoặc liên kết trang.",
            "ip_address",
        )
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise _unrecognized(original) from exc
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253:
        raise _unrecognized(original)
    if not all(_LABEL.fullmatch(label) for label in labels):
        raise _unrecognized(original)
    if not _TLD.fullmatch(labels[-1]):
        raise _unrecognized(original)
    for label in labels:
        if label.startswith("xn--"):
            try:
                label.encode("ascii").decode("idna")
            except UnicodeError as exc:
                raise _unrecognized(original) from exc
    return host


# --- entry points ------------------------------------------------------------------------------


def parse_query(text: str) -> Canonical | BareHandle:
    """Parse what a citizen pasted into the public check. Raises :class:`NotAChannel`."""
    try:
        return _parse(text)
    except NotAChannel:
        raise
    except (ValueError, UnicodeError) as exc:  # defensive: urllib/idna corner cases
        raise _unrecognized(str(text)[:200]) from exc


def normalize(text: str) -> Canonical:
    """Canonical channel for a link (or bare domain / numeric id). Raises :class:`NotAChannel`."""
    result = parse_query(text)
    if isinstance(result, BareHandle):
        raise NotAChannel(
            f"Không nhận ra liên kết hoặc tên trang: {_shown(result.text)} — hãy dán đường dẫn "
            "đầy đủ của trang (ví dụ https://www.facebook.com/tentrang).",
            "bare_handle",
        )
    return result


def _parse(text: str) -> Canonical | BareHandle:
    original = text
    text = _clean(text)
    scheme = _SCHEME.match(text)
    has_http = _HTTP.match(text) is not None
    if scheme and not has_http:
        name = scheme.group(1).lower()
        rest = text[scheme.end() :]
        if name in _BAD_SCHEMES or rest.startswith("//"):
            raise NotAChannel(
                "Chỉ chấp nhận liên kết http:// hoặc https:// (hoặc tên miền, tên trang).",
                "scheme",
            )
    if not has_http and not text.startswith("//"):
        if any(ch.isspace() for ch in text):
            head = text.split("/", 1)[0]
            if "/" not in text or any(ch.isspace() for ch in head):
                return _bare(text, original)
        elif text.startswith("@") and "/" not in text:
            return _bare(text, original)
        elif text.isascii() and text.isdigit():
            if len(text) >= 8 and _DIGITS.fullmatch(text):
                return _facebook_id(text)
            return _bare(text, original)
        elif "." not in text and "/" not in text:
            return _bare(text, original)
    return _parse_url(text, original)


def _bare(text: str, original: str) -> BareHandle:
    folded = " ".join(unicodedata.normalize("NFC", text).split()).lstrip("@").strip().lower()
    if not any(ch.isalnum() for ch in folded):
        raise _unrecognized(original)
    return BareHandle(folded, at=text.lstrip().startswith("@"))


def _parse_url(text: str, original: str) -> Canonical:
    match = _HTTP.match(text)
    if match:
        text = "https://" + text[match.end() :]
    elif text.startswith("//"):
        text = "https:" + text
    else:
        text = "https://" + text
    parts = urlsplit(text)
    netloc = parts.netloc
    if not netloc:
        raise _unrecognized(original)
    if "@" in netloc:
        raise NotAChannel(
            "Liên kết có tên đăng nhập hoặc ký tự @ trước tên miền: không hợp lệ. "
            "Hãy dán địa chỉ trang.",
            "userinfo",
        )
    port = parts.port  # ValueError for a bad port: turned into NotAChannel by parse_query
    if port is not None and port not in (80, 443):
        raise NotAChannel(
            "Liên kết có cổng (port) lạ: trang chính thức không dùng cổng này.", "port"
        )
    host = _canonical_host(parts.hostname or "", original)
    path, query, fragment = parts.path, parts.query, parts.fragment
    # old Facebook links: facebook.com/#!/page
    if fragment.startswith("!/"):
        inner = urlsplit(fragment[1:])
        path, query = inner.path, inner.query
    segments = [unquote(seg) for seg in path.split("/") if seg]
    params = parse_qs(query, keep_blank_values=True)

    handler = _HOSTS.get(host)
    if handler is None and host.startswith("www."):
        handler = _HOSTS.get(host[4:])  # www.fb.watch, www.m.me, …
    if handler is None:
        for suffix, candidate in _HOST_SUFFIXES:
            if host.endswith(suffix):
                handler = candidate
                break
    if handler is not None:
        return handler(host, segments, params, original)
    return _website(host)


def _param(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name)
    return values[0].strip() if values else ""


# --- facebook ----------------------------------------------------------------------------------

_FB_RESERVED = frozenset(
    {
        "home.php", "index.php", "login", "login.php", "logout.php", "recover", "checkpoint",
        "watch", "marketplace", "events", "groups", "gaming", "help", "policies", "policy.php",
        "settings", "privacy", "terms", "legal", "about", "careers", "business", "ads",
        "ad_campaign", "adsmanager", "pages", "people", "profile.php", "permalink.php",
        "story.php", "photo.php", "photo", "photos", "video.php", "video", "videos", "reel",
        "reels", "stories", "story", "live", "messages", "messenger", "notifications",
        "friends", "bookmarks", "search", "hashtag", "share", "share.php", "sharer",
        "sharer.php", "dialog", "plugins", "l.php", "r.php", "reg", "signup", "me", "saved",
        "memories", "fundraisers", "donate", "media", "notes", "places", "jobs", "games",
        "apps", "appcenter", "instantgames", "community", "developers", "security", "safety",
        "translations", "campaign", "latest", "feeds", "lite", "mobile", "offers", "directory",
        "public", "composer", "composer.php", "help.php", "privacy_sandbox", "pg", "p",
        "watchparty", "fbml", "connect", "tr", "ajax", "api", "graph", "oauth", "v2.0",
        "business_help", "hacked", "login_alerts", "confirmemail.php", "events.php",
        "find-friends", "nt", "coronavirus_info", "climatescienceinfo", "votinginformationcenter",
        "buddylist.php", "ufi", "privacy.php", "terms.php", "cookie", "cookies", "allactivity",
    }
)  # fmt: skip
_FB_VANITY = re.compile(r"[a-z0-9](?:[a-z0-9.]{0,78}[a-z0-9])?")
_DIGITS = re.compile(r"[1-9][0-9]{0,24}")
_FB_WATCH_RESERVED = frozenset({"live", "latest", "saved", "search", "shows", "topic", "v"})


def _facebook_id(number: str) -> Canonical:
    return Canonical("facebook", number, f"https://www.facebook.com/profile.php?id={number}", "id")


def _facebook_vanity(vanity: str, original: str) -> Canonical:
    vanity = vanity.lower().rstrip(".")
    if _DIGITS.fullmatch(vanity):
        return _facebook_id(vanity)
    if vanity in _FB_RESERVED or vanity.endswith(".php") or not _FB_VANITY.fullmatch(vanity):
        raise _not_a_page(original, "Facebook")
    if not any(ch.isalpha() for ch in vanity):
        raise _not_a_page(original, "Facebook")
    return Canonical("facebook", vanity, f"https://www.facebook.com/{vanity}", "handle")


def _trailing_id(segment: str) -> str | None:
    match = re.search(r"(?:^|-)([0-9]{5,25})$", segment)
    if match and _DIGITS.fullmatch(match.group(1)):
        return match.group(1)
    return None


def _facebook(host: str, segs: list[str], params: dict[str, list[str]], original: str) -> Canonical:
    if host in ("fb.me", "m.me"):
        if len(segs) == 1 and segs[0].lower() not in ("e", "d", "g", "j", "s", "share"):
            return _facebook_vanity(segs[0], original)
        raise _share()
    if host == "fb.watch":
        raise _video("Facebook")
    if host in ("l.facebook.com", "lm.facebook.com"):
        target = _param(params, "u")
        if target and not target.lower().startswith(("https://l.facebook", "http://l.facebook")):
            return _parse_url(target, original)
        raise _unrecognized(original)
    if not segs:
        raise _not_a_page(original, "Facebook")
    first = segs[0].lower()
    rest = segs[1:]

    if first in ("profile.php", "permalink.php", "story.php", "photo.php", "photo"):
        number = _param(params, "id")
        if _DIGITS.fullmatch(number):
            return _facebook_id(number)
        if first == "profile.php":
            raise _not_a_page(original, "Facebook")
        raise _post("Facebook")
    if first == "people" and len(rest) >= 2 and _DIGITS.fullmatch(rest[1]):
        return _facebook_id(rest[1])
    if first == "pages":
        if rest and rest[0].lower() == "category" and len(rest) >= 3:
            trailing = _trailing_id(rest[2])
            if trailing:
                return _facebook_id(trailing)
        elif len(rest) >= 2 and _DIGITS.fullmatch(rest[1]):
            return _facebook_id(rest[1])
        elif len(rest) == 1:
            trailing = _trailing_id(rest[0])
            if trailing:
                return _facebook_id(trailing)
        raise _not_a_page(original, "Facebook")
    if first == "p" and rest:
        trailing = _trailing_id(rest[0])
        if trailing:
            return _facebook_id(trailing)
        raise _not_a_page(original, "Facebook")
    if first == "pg" and rest:
        return _facebook_vanity(rest[0], original)
    if first in ("groups", "group.php"):
        raise _group()
    if first in ("share", "share.php", "sharer", "sharer.php", "dialog"):
        raise _share()
    if first == "watch":
        if rest and rest[0].lower() not in _FB_WATCH_RESERVED:
            return _facebook_vanity(rest[0], original)
        raise _video("Facebook")
    if first in ("reel", "reels", "video.php", "video", "videos", "live"):
        raise _video("Facebook")
    if first in ("stories", "story", "photos", "media", "notes", "hashtag"):
        raise _post("Facebook")
    if first in _FB_RESERVED:
        raise _not_a_page(original, "Facebook")
    # /<vanity>[/posts|videos|photos|about|…], /<numeric id>, /<Page-Name-123456789>
    segment = segs[0]
    if not _FB_VANITY.fullmatch(segment.lower().rstrip(".")) and not _DIGITS.fullmatch(segment):
        trailing = _trailing_id(segment)
        if trailing:
            return _facebook_id(trailing)
    return _facebook_vanity(segment, original)


# --- instagram ---------------------------------------------------------------------------------

_IG_USER = re.compile(r"[a-z0-9._]{1,30}")
_IG_POST = frozenset({"p", "reel", "reels", "tv"})
_IG_RESERVED = frozenset(
    {
        "explore", "accounts", "direct", "about", "legal", "developer", "developers",
        "challenge", "emails", "web", "api", "oauth", "graphql", "static", "s", "ar",
        "session", "privacy", "terms", "help", "press", "jobs", "blog", "directory", "lite",
        "topics", "locations", "tags", "download", "data", "your_activity", "create", "qr",
        "nametag", "threads", "stories", "_n", "_u", "invites", "share", "sharer", "login",
        "signup", "ads", "business", "creators", "account", "community", "explore.php", "fxcal",
    }
)  # fmt: skip


def _instagram_user(user: str, original: str) -> Canonical:
    user = user.lower().rstrip(".").lstrip("@")
    if not _IG_USER.fullmatch(user) or user in _IG_RESERVED or user in _IG_POST:
        raise _not_a_page(original, "Instagram")
    return Canonical("instagram", user, f"https://www.instagram.com/{user}/", "handle")


def _instagram(
    host: str, segs: list[str], params: dict[str, list[str]], original: str
) -> Canonical:
    if not segs:
        raise _not_a_page(original, "Instagram")
    first = segs[0].lower()
    if first in _IG_POST:
        raise _post("Instagram")
    if first in ("stories", "_u") and len(segs) >= 2 and segs[1].lower() != "highlights":
        return _instagram_user(segs[1], original)
    if first in ("share", "s"):
        raise _share()
    return _instagram_user(segs[0], original)


# --- youtube -----------------------------------------------------------------------------------

_YT_CHANNEL = re.compile(r"UC[0-9A-Za-z_-]{22}")
_YT_NAME = re.compile(r"[\w.\-·]{1,100}")
_YT_USER = re.compile(r"[a-z0-9._\-]{1,100}")
_YT_VIDEO = frozenset({"watch", "shorts", "embed", "live", "v", "e", "clip", "watch_videos"})
_YT_RESERVED = frozenset(
    {
        "playlist", "results", "feed", "redirect", "account", "premium", "gaming", "music",
        "kids", "t", "about", "howyoutubeworks", "signin", "logout", "upload", "post",
        "hashtag", "source", "attribution_link", "supported_browsers", "creators", "ads",
        "new", "trends", "yt", "s", "api", "iframe_api", "sw.js", "channel", "c", "user",
        "select_site", "reporthistory", "oops", "error", "store", "movies", "paid_memberships",
        "verify_age", "logout.html", "index", "home", "subscription_manager", "view_all_playlists",
        "embed_config", "share", "sharer",
    }
)  # fmt: skip


def _yt_fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).lower()


def _youtube(host: str, segs: list[str], params: dict[str, list[str]], original: str) -> Canonical:
    if host == "youtu.be":
        raise _video("YouTube")
    if not segs:
        raise _not_a_page(original, "YouTube")
    first = segs[0]
    low = first.lower()
    if first.startswith("@"):
        handle = _yt_fold(first[1:])
        if not _YT_NAME.fullmatch(handle):
            raise _not_a_page(original, "YouTube")
        return Canonical(
            "youtube",
            "@" + handle,
            "https://www.youtube.com/@" + quote(handle, safe="._-"),
            "handle",
        )
    if low == "channel":
        if len(segs) >= 2 and _YT_CHANNEL.fullmatch(segs[1]):
            uc = segs[1]
            return Canonical("youtube", uc, f"https://www.youtube.com/channel/{uc}", "id")
        raise _not_a_page(original, "YouTube")
    if low in ("c", "user"):
        if len(segs) >= 2:
            name = _yt_fold(segs[1])
            pattern = _YT_NAME if low == "c" else _YT_USER
            if pattern.fullmatch(name):
                return Canonical(
                    "youtube",
                    f"{low}/{name}",
                    f"https://www.youtube.com/{low}/" + quote(name, safe="._-"),
                    "handle",
                )
        raise _not_a_page(original, "YouTube")
    if low in _YT_VIDEO:
        raise _video("YouTube")
    if low == "playlist":
        raise NotAChannel(
            "Liên kết danh sách phát không cho biết kênh: hãy mở kênh và dán địa chỉ kênh.",
            "playlist",
        )
    if low in _YT_RESERVED or low.endswith((".php", ".html", ".js", ".xml", ".txt")):
        raise _not_a_page(original, "YouTube")
    name = _yt_fold(first)
    if not _YT_NAME.fullmatch(name):
        raise _not_a_page(original, "YouTube")
    # legacy custom URL youtube.com/<name> is the same channel as youtube.com/c/<name>
    return Canonical(
        "youtube", f"c/{name}", "https://www.youtube.com/c/" + quote(name, safe="._-"), "handle"
    )


# --- tiktok ------------------------------------------------------------------------------------

_TT_USER = re.compile(r"[a-z0-9._]{1,30}")


def _tiktok(host: str, segs: list[str], params: dict[str, list[str]], original: str) -> Canonical:
    if host in ("vm.tiktok.com", "vt.tiktok.com"):
        raise _short_link("TikTok")
    if not segs:
        raise _not_a_page(original, "TikTok")
    first = segs[0]
    if first.lower() == "t":
        raise _short_link("TikTok")
    if first.startswith("@"):
        user = first[1:].lower().rstrip(".")
        if _TT_USER.fullmatch(user):
            return Canonical("tiktok", user, f"https://www.tiktok.com/@{user}", "handle")
        raise _not_a_page(original, "TikTok")
    if first.lower() in ("v", "video", "embed", "player"):
        raise _video("TikTok")
    raise _not_a_page(original, "TikTok")


# --- zalo --------------------------------------------------------------------------------------

_ZALO_ID = re.compile(r"[0-9]{6,25}|[A-Za-z0-9][A-Za-z0-9._\-]{2,63}")
_ZALO_RESERVED = frozenset(
    {
        "g", "pc", "download", "home", "about", "app", "apps", "zalo-chat", "login", "manage",
        "oa", "s", "blog", "news", "help", "privacy", "terms", "business", "official-account",
        "cloud", "web", "chat", "call", "qr", "share", "sharer", "api", "static", "index.html",
    }
)  # fmt: skip


def _zalo_id(raw: str, original: str) -> Canonical:
    ident = raw.strip()
    if ident.startswith("+") and ident[1:].isascii() and ident[1:].isdigit():
        ident = ident[1:]
    if not _ZALO_ID.fullmatch(ident) or ident.lower() in _ZALO_RESERVED:
        raise _not_a_page(original, "Zalo")
    return Canonical("zalo", ident, f"https://zalo.me/{ident}", "id")


def _zalo(host: str, segs: list[str], params: dict[str, list[str]], original: str) -> Canonical:
    oa_id = _param(params, "oa_id") or _param(params, "oaid")
    if oa_id:
        return _zalo_id(oa_id, original)
    if not segs:
        raise _not_a_page(original, "Zalo")
    first = segs[0].lower()
    if first == "g":
        raise _group()
    if first == "s" and len(segs) >= 2:
        return _zalo_id(segs[1], original)
    if host == "oa.zalo.me" and first == "home" and len(segs) >= 2:
        return _zalo_id(segs[1], original)
    return _zalo_id(segs[0], original)


# --- website -----------------------------------------------------------------------------------


def _website(host: str) -> Canonical:
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    return Canonical("website", host, f"https://{host}/", "domain")


def _other_subdomain(platform_name: str) -> _Handler:
    def handler(
        host: str, segs: list[str], params: dict[str, list[str]], original: str
    ) -> Canonical:
        raise _not_a_page(original, platform_name)

    return handler


_FB_LOCALE_HOST = re.compile(r"[a-z]{2}-[a-z]{2}\.facebook\.com")


def _facebook_subdomain(
    host: str, segs: list[str], params: dict[str, list[str]], original: str
) -> Canonical:
    """vi-vn.facebook.com (a localised www) is Facebook; developers.facebook.com is not."""
    if _FB_LOCALE_HOST.fullmatch(host):
        return _facebook(host, segs, params, original)
    raise _not_a_page(original, "Facebook")


def _facebook_hosts() -> dict[str, _Handler]:
    hosts: dict[str, _Handler] = {}
    for sub in ("", "www.", "m.", "mbasic.", "web.", "business.", "touch.", "mobile.", "free."):
        hosts[f"{sub}facebook.com"] = _facebook
    for name in ("fb.com", "www.fb.com", "fb.me", "m.me", "fb.watch", "l.facebook.com"):
        hosts[name] = _facebook
    hosts["lm.facebook.com"] = _facebook
    return hosts


_HOSTS: dict[str, _Handler] = {
    **_facebook_hosts(),
    "instagram.com": _instagram,
    "www.instagram.com": _instagram,
    "m.instagram.com": _instagram,
    "instagr.am": _instagram,
    "www.instagr.am": _instagram,
    "youtube.com": _youtube,
    "www.youtube.com": _youtube,
    "m.youtube.com": _youtube,
    "music.youtube.com": _youtube,
    "youtu.be": _youtube,
    "www.youtu.be": _youtube,
    "tiktok.com": _tiktok,
    "www.tiktok.com": _tiktok,
    "m.tiktok.com": _tiktok,
    "vm.tiktok.com": _tiktok,
    "vt.tiktok.com": _tiktok,
    "zalo.me": _zalo,
    "www.zalo.me": _zalo,
    "oa.zalo.me": _zalo,
}
# Localised Facebook hosts (vi-vn.facebook.com) behave like www; other subdomains of the
# platforms (developers.facebook.com, id.zalo.me, …) are not channels.
_HOST_SUFFIXES: tuple[tuple[str, _Handler], ...] = (
    (".facebook.com", _facebook_subdomain),
    (".instagram.com", _other_subdomain("Instagram")),
    (".youtube.com", _other_subdomain("YouTube")),
    (".tiktok.com", _other_subdomain("TikTok")),
    (".zalo.me", _other_subdomain("Zalo")),
)
