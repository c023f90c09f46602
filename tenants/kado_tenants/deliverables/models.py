from django.db import models
from django.utils.translation import gettext_lazy as _

from kado_tenants.deliverables.choices import DeliverableStatus
from kado_tenants.orders.models import Order


class Deliverable(models.Model):
    """A file handed over for an order (納品物): its bytes are in S3 under `key`."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="deliverables"
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    # `<region schema>/orders/<order id>/<uuid>/<safe file name>`: never shared between regions.
    key = models.CharField(_("storage key"), max_length=600, unique=True)
    # The uploading user lives in the public schema; kept as an id, not a cross-schema FK.
    uploaded_by_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliverableStatus.choices,
        default=DeliverableStatus.PENDING,
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    encryption = models.CharField(_("encryption at rest"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="deliverable_size_positive", condition=models.Q(size__gt=0)
            ),
        ]

    def __str__(self):
        return self.filename

    @property
    def is_uploaded(self) -> bool:
        return self.status == DeliverableStatus.UPLOADED
