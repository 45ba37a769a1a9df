"""Hosts that imitate a platform's own domain: ``faceb<Cyrillic о>ok.com``,
``facebook.com.evil.example``, ``xn--…`` forms of them, ``youtub3.com``, ``fb-login.net``.

Pure Python, no Django. The platforms' real hosts never reach this check: ``normalize``
recognises them first, so any host that still names a platform is somebody else's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from registry.lookalike import _decode_label, damerau_levenshtein, skeleton

# platform -> names of it a host may carry. A name of 6 letters or more also matches one edit
# away (tiktak.com), one of 7 or more also as the start of a label (facebooksecurity.com); a
# short one only exactly (fb.com.vn, zalo-me.vn: zalopay.vn is Zalo's sister, not a fake)
_NAMES: dict[str, tuple[str, ...]] = {
    "facebook": ("facebook", "fb"),
    "youtube": ("youtube", "youtu"),
    "tiktok": ("tiktok",),
    "zalo": ("zalo",),
    "instagram": ("instagram", "instagr"),
}
_SKELETONS = {
    platform: tuple((skeleton(name), len(name) >= 6, len(name) >= 7) for name in names)
    for platform, names in _NAMES.items()
}
# where the path of a fake link would lead on the real platform
REAL_HOSTS = {
    "facebook": "www.facebook.com",
    "youtube": "www.youtube.com",
    "tiktok": "www.tiktok.com",
    "zalo": "zalo.me",
    "instagram": "www.instagram.com",
}


def imitated_platform(host: str) -> str | None:
    """The platform whose domain ``host`` (canonical, punycode) imitates, or None."""
    tokens: list[str] = []
    for label in host.lower().rstrip(".").split("."):
        decoded = _decode_label(label)
        tokens.append(decoded)
        if "-" in decoded:
            tokens.extend(part for part in decoded.split("-") if part)
    for token in tokens:
        folded = skeleton(token)
        if not folded:
            continue
        for platform, names in _SKELETONS.items():
            for name, near, prefix in names:
                if folded == name:
                    return platform
                if near and damerau_levenshtein(folded, name, 1) <= 1:
                    return platform
                if prefix and folded.startswith(name):
                    return platform
    return None


def real_link(text: str, platform: str) -> str:
    """The same path on the platform's real host: where the fake link pretends to lead."""
    raw = text.strip()
    if "://" not in raw:
        raw = "https://" + raw.lstrip("/")
    parts = urlsplit(raw)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{REAL_HOSTS[platform]}{path}{query}"
