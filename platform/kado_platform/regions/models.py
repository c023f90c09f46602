"""Regions are the tenants: each one is a PostgreSQL schema reached on its own host."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from kado_platform.core.validators import validate_municipality_code
from kado_platform.regions.codes import validate_region_code


class RegionKind(models.TextChoices):
    FEDERATION = "federation", _("Federation (public schema)")
    HUB = "hub", _("Hub center")
    PARTNER = "partner", _("Partner region")
    BUSINESS_PARTNER = "business_partner", _("Regional business partner")


class RegionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Prefecture(models.TextChoices):
    HOKKAIDO = "01", _("Hokkaido")
    NIIGATA = "15", _("Niigata")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIMANE = "32", _("Shimane")
    KUMAMOTO = "43", _("Kumamoto")
    OTHER = "99", _("Other")


class RegionQuerySet(models.QuerySet):
    def regions(self):
        """Every real region: the federation's own public-schema row is not one."""
        return self.exclude(kind=RegionKind.FEDERATION)


class Region(TenantMixin):
    # Schemas are made by services.region_create inside its transaction, never by save().
    auto_create_schema = False
    auto_drop_schema = False
    clone_mode = "NODATA"

    code = models.CharField(
        _("code"), max_length=31, unique=True, validators=[validate_region_code]
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    prefecture = models.CharField(
        _("prefecture"), max_length=2, choices=Prefecture.choices, default=Prefecture.NAGANO
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=6,
        blank=True,
        validators=[validate_municipality_code],
        help_text=_(
            "全国地方公共団体コード, 6 digits with its check digit. Blank for a group of towns."
        ),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=RegionKind.choices, default=RegionKind.PARTNER
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegionStatus.choices, default=RegionStatus.ACTIVE
    )
    joined_on = models.DateField(_("joined on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_federation(self) -> bool:
        return self.kind == RegionKind.FEDERATION

    @property
    def is_suspended(self) -> bool:
        return self.status == RegionStatus.SUSPENDED

    @property
    def host(self) -> str:
        if self.is_federation:
            return settings.BASE_DOMAIN
        return f"{self.code}.{settings.BASE_DOMAIN}"


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self):
        return self.domain
