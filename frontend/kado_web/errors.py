"""Error pages in the site's look, with the request's context (header, language, user).

The URLconfs of the hub and of a region name these as handler403/404/500.
"""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the page itself failed: answer without the site's context
        logger.exception("The 500 page could not be rendered with its context")
        return HttpResponseServerError(loader.get_template("kado_web/500_plain.html").render())
