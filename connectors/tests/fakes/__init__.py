"""Local fakes of the platforms' APIs and authorization servers, over real HTTP on 127.0.0.1.

``FakePlatforms`` starts one server whose path prefixes speak each platform's documented
shapes (``meta``, ``google``, ``tiktok``, ``zalo``: one module each): pagination, token
expiry and refresh, HTTP 429 with Retry-After, Meta's deprecated-metric error (code 100), a
failing later page (a partial result), and the OAuth authorization-code dance. Tests and
``bench/sync_bench.py`` point ``settings.BANTIN_CONNECTORS`` at it (``fakes.settings()``).
"""

from connectors.tests.fakes.server import FakePlatforms
from connectors.tests.fakes.world import FakeAccount, FakePost, World

__all__ = ["FakeAccount", "FakePlatforms", "FakePost", "World"]
