def site(request):
    """The region or federation the page belongs to, for the header and titles."""
    tenant = getattr(request, "tenant", None)
    return {
        "site_region": tenant,
        "site_is_hub": bool(tenant is not None and tenant.is_federation),
    }
