"""The one way a page of the workspace is reached: a declared permission, checked first.

Every page view subclasses `PermissionView` (or a subclass) and names the `Perm` it needs.
A view that declares none is refused with ImproperlyConfigured before anything else runs:
fail closed. A region page asked for on the hub is a 404; a page of a role the user lacks
is a 403; both render in the site's look (even in DEBUG, for a missing row).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import View

from kado_platform.accounts.policy import Perm, has_perm, perms_on
from kado_web.errors import page_not_found

PAGE_SIZE = 20


class PermissionView(View):
    """Base of every signed-in page: `permission` must be set on the class."""

    permission: Perm | None = None
    #: "region" pages exist on a region host only, "hub" pages on the federation hub only.
    host: str = "region"

    def dispatch(self, request, *args, **kwargs):
        if self.permission is None or self.host not in {"region", "hub"}:
            raise ImproperlyConfigured(
                f"{type(self).__name__} declares no permission: every page must name one."
            )
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_federation != (self.host == "hub"):
            return page_not_found(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, self.permission, tenant):
            raise PermissionDenied
        self.perms = perms_on(request.user, tenant)
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404 as error:
            return page_not_found(request, error)

    def can(self, perm: Perm) -> bool:
        return Perm(perm) in self.perms

    @staticmethod
    def found(obj):
        """The row a selector returned, or the site's 404 page."""
        if obj is None:
            raise Http404
        return obj

    def paginate(self, rows, *, per_page: int = PAGE_SIZE, page_param: str = "page"):
        paginator = Paginator(rows, per_page)
        return paginator.get_page(self.request.GET.get(page_param))

    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"
