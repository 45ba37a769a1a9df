"""One threading HTTP server on 127.0.0.1; path prefixes route to each platform's fake."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from connectors.tests.fakes.world import World


@dataclass
class Request:
    method: str
    path: str  # after the platform prefix, no leading slash
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    form: dict[str, str]
    json: Any
    base: str  # http://127.0.0.1:port/<prefix>

    def bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return self.query.get("access_token") or self.form.get("access_token")


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] | None = None


def _routes() -> dict[str, Any]:
    from connectors.tests.fakes import google, meta, tiktok, zalo

    return {
        "meta": meta.handle,
        "meta-dialog": meta.authorize,
        "youtube": google.youtube,
        "google": google.oauth,
        "tiktok": tiktok.handle,
        "tiktok-auth": tiktok.authorize,
        "zalo": zalo.handle,
        "zalo-oauth": zalo.oauth,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return  # quiet: the URLs carry tokens

    def _serve(self) -> None:
        world = self.server.world
        if world.latency:
            time.sleep(world.latency)
        parts = urlsplit(self.path)
        prefix, _, rest = parts.path.lstrip("/").partition("/")
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("content-type", "")
        form: dict[str, str] = {}
        body: Any = None
        if raw and "json" in ctype:
            body = json.loads(raw)
        elif raw:
            form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        request = Request(
            method=self.command,
            path=rest,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
            form=form,
            json=body,
            base=f"http://127.0.0.1:{self.server.server_address[1]}/{prefix}",
        )
        handler = self.server.routes.get(prefix)
        with world.lock:
            world.requests[prefix] += 1
        answer = handler(world, request) if handler else Answer(404, {"error": "no such fake"})
        headers = dict(answer.headers or {})
        if answer.status in (301, 302, 303):
            payload = b""
        else:
            payload = json.dumps(answer.body).encode()
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        self.send_response(answer.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _serve  # noqa: N815


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, world: World) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.world = world
        self.routes = _routes()


class FakePlatforms:
    """``with FakePlatforms() as fakes: settings.BANTIN_CONNECTORS.update(fakes.settings())``"""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self._server = _Server(self.world)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakePlatforms:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakePlatforms:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settings(self) -> dict[str, Any]:
        b = self.base
        return {
            "META_GRAPH_URL": f"{b}/meta",
            "META_DIALOG_URL": f"{b}/meta-dialog",
            "YOUTUBE_API_URL": f"{b}/youtube/v3",
            "GOOGLE_AUTH_URL": f"{b}/google/auth",
            "GOOGLE_TOKEN_URL": f"{b}/google/token",
            "GOOGLE_REVOKE_URL": f"{b}/google/revoke",
            "TIKTOK_API_URL": f"{b}/tiktok",
            "TIKTOK_AUTH_URL": f"{b}/tiktok-auth/",
            "ZALO_API_URL": f"{b}/zalo",
            "ZALO_OAUTH_URL": f"{b}/zalo-oauth",
            "META_APP_ID": "fake-meta-app",
            "META_APP_SECRET": "fake-meta-secret",
            "GOOGLE_CLIENT_ID": "fake-google-client",
            "GOOGLE_CLIENT_SECRET": "fake-google-secret",
            "TIKTOK_CLIENT_KEY": "fake-tiktok-key",
            "TIKTOK_CLIENT_SECRET": "fake-tiktok-secret",
            "ZALO_APP_ID": "fake-zalo-app",
            "ZALO_APP_SECRET": "fake-zalo-secret",
        }


def redirect(
    request: Request, world: World, platform: str, *, redirect_key: str = "redirect_uri"
) -> Answer:
    """The fake consent screen: the person grants ``world.consent[platform]`` at once."""
    from urllib.parse import urlencode

    target = request.query.get(redirect_key, "")
    code = world.new_code(platform, request.query.get("code_challenge", ""), target)
    sep = "&" if "?" in target else "?"
    location = f"{target}{sep}{urlencode({'code': code, 'state': request.query.get('state', '')})}"
    return Answer(302, None, {"Location": location})


def too_many(retry_after: str, body: Any) -> Answer:
    return Answer(429, body, {"Retry-After": retry_after})
