"""gunicorn hooks for bench/registry_bench.py: the same warm-up as deploy/gunicorn.conf.py."""


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    from registry.index import warm

    warm()
