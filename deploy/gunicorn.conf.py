"""gunicorn settings for Bantin (deploy/systemd/bantin-web.service uses this file)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "unix:/run/bantin/gunicorn.sock")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker (gunicorn's sync worker): Bantin's requests are CPU-bound Python,
# and two threads in one process share its interpreter lock while other workers sit idle;
# nginx buffers slow clients' bodies and answers (docs/decisions/0013).
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = 120  # report builds run in the worker; pages answer well before this
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"  # only nginx on this host


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """Build the registry's lookup index and the reports' chart shapes before the worker takes
    requests (a worker also restarts every max_requests; without this its first visitor would
    wait for the builds)."""
    from registry.index import warm
    from reports.charts import warm as warm_charts

    warm()
    warm_charts()
