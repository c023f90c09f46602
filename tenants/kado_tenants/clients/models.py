from django.db import models
from django.utils.translation import gettext_lazy as _

from kado_platform.core.validators import validate_corporate_number
from kado_tenants.clients.choices import ClientKind


class Client(models.Model):
    """A company or municipality that orders work from the region."""

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ClientKind.choices)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name_kana", "name"]

    def __str__(self):
        return self.name
