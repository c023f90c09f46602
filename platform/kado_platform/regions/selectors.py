from django.utils.translation import gettext_lazy as _

from kado_platform.core.errors import DomainError
from kado_platform.regions.models import Region


def region_list(*, include_suspended: bool = True):
    regions = Region.objects.regions().order_by("code")
    if not include_suspended:
        regions = regions.filter(status="active")
    return regions


def region_find(*, code: str) -> Region | None:
    """The partner region with this code, or None (never the federation itself)."""
    return Region.objects.regions().filter(code=code).first() if code else None


def region_get(*, code: str) -> Region:
    region = region_find(code=code)
    if region is None:
        raise DomainError(
            "region_not_found",
            _("No region has the code %(code)s."),
            field="code",
            params={"code": code},
        )
    return region


def federation() -> Region:
    return Region.objects.get(schema_name="public")
