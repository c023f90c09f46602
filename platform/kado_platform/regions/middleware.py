from django.http.request import split_domain_port
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www


class RegionMiddleware(TenantMainMiddleware):
    """Pick the region's schema from the Host header, or answer 404.

    Host names are compared lower-cased and without a trailing dot, so `ALPHA.localhost.`
    reaches the same region as `alpha.localhost` and an unknown host never falls through
    to another region. A suspended region answers a page that says so, with no data.
    """

    @staticmethod
    def hostname_from_request(request):
        domain, _port = split_domain_port(request.get_host())
        return remove_www(domain)

    def __call__(self, request):
        response = self.process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        if tenant.is_suspended:
            return render(request, "kado_web/region_suspended.html", {"region": tenant}, status=503)
        return self.get_response(request)
