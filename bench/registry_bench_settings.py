"""Settings for bench/registry_bench.py only: the project's settings with a URLconf that adds a
bare view returning constant JSON (the baseline the lookup is compared to)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.registry_bench_urls"
DEBUG = False

# The benchmark sends every request from 127.0.0.1: the per-address limit is off here.
BANTIN_LOOKUP_RATE = None
