"""gunicorn settings for the web process: ``gunicorn -c gunicorn.conf.py 'murporteur:create_app()'``.

Every value can be changed from the environment (documented in the README's "Production
deployment" section). The application itself is configured by the variables of
``murporteur/settings.py``.
"""

import os

# Where to listen: behind a reverse proxy (which terminates TLS) on the container's port.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Synchronous workers: every request is short (e-mails and PDFs never run in the request,
# exports stream). Two per core plus one is gunicorn's usual advice.
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Each worker builds its own application, database pool and Prometheus registry: no state is
# shared through fork (preload off), and a worker can be replaced without surprises.
preload_app = False
# A request that takes longer is killed (the CSV export of 100,000 dossiers takes a few
# seconds); graceful_timeout lets in-flight requests finish at a reload or a stop.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then (bounded memory growth), with jitter so they never restart
# all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Trust X-Forwarded-* only from the reverse proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs on stdout/stderr, for the process manager, in the application's format (LOG_FORMAT:
# json in production): each access line is an object with method, path, status, duration_ms
# and the request id (murporteur/core/logging.py). ACCESS_LOG=off leaves the access log out.
logger_class = "murporteur.core.logging.GunicornLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = None if os.environ.get("ACCESS_LOG", "on") == "off" else "-"


def child_exit(server, worker):
    """Prometheus multiprocess mode: forget the gauges of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
