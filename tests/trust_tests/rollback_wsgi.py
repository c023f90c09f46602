"""The product's WSGI app with every request's transaction rolled back (fuzzing only).

Random mutations that happen to be valid would otherwise commit rows into the session's
test database that later tests read. Each request runs inside one `transaction.atomic()`
that is always rolled back; Django's per-request connection closing is switched off,
because it would close the connection inside that block (the connection then lives on
between requests, as with CONN_MAX_AGE=None, which is a harsher test of per-request
schema selection, not a gentler one).
"""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from kado_platform.wsgi import application as _application

request_started.disconnect(close_old_connections)
request_finished.disconnect(close_old_connections)


def application(environ, start_response):
    with transaction.atomic():
        response = _application(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            transaction.set_rollback(True)
    close = getattr(response, "close", None)
    if close is not None:
        close()
    return [body]
