"""Choices of the clients app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientKind(models.TextChoices):
    URBAN_COMPANY = "urban_company", _("Urban company")
    LOCAL_COMPANY = "local_company", _("Local company")
    MUNICIPALITY = "municipality", _("Municipality")
