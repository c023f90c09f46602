from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliverablesConfig(AppConfig):
    name = "kado_tenants.deliverables"
    label = "deliverables"
    verbose_name = _("Deliverables")
