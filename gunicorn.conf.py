"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py portal.wsgi`.

Overridable with the usual GUNICORN_CMD_ARGS or the variables read below.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# I/O-bound work (calls to ID-porten): a few threads per process go further than more processes.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The application is loaded once, in the master, and each worker is a fork of it: replacing a
# worker (max_requests) costs a fork, not a Django start-up (about a second of one core, which
# under load took a fifth to two fifths of the requests per second of the seconds it ran in),
# and the templates and catalogues come compiled (portal/warmup.py). Nothing connects at
# import: the database, Redis and ID-porten are reached at the first request, in each worker.
# A bad setting stops the master at start (portal/wsgi.py).
preload_app = True
# Restart workers now and then so a slow leak never grows without bound. Not much more often:
# a new worker starts with empty per-process caches (the page fragments, the histories, the
# filters) and touches its pages of the master's memory anew. At 10,000 a worker at make
# bench's rates was replaced about every 20 seconds, and the history page measured 0.39-0.52x
# the front page against 0.50-0.58x at 100,000. (A worker peaked at about 110 MiB.)
max_requests = 100000
max_requests_jitter = 10000
accesslog = "-"
errorlog = "-"
# Query strings can carry authorization codes; log the path only.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Both logs masked and escaped: a %0a in a path or header never starts a line of its own, and
# no national identity number is written out (portal/gunicorn_logging.py).
logger_class = "portal.gunicorn_logging.PortalLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
