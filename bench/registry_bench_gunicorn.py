"""gunicorn hooks for bench/registry_bench.py: the same warm-up as deploy/gunicorn.conf.py."""


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    import os

    from registry import index

    # the bench asks for base rebuilds during its run, so that they are in the figures
    index.MAX_AGE_SECONDS = float(os.environ.get("BENCH_INDEX_MAX_AGE", index.MAX_AGE_SECONDS))
    index.OVERLAY_MAX = int(os.environ.get("BENCH_INDEX_OVERLAY_MAX", index.OVERLAY_MAX))
    index.warm()
