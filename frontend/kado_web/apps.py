from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KadoWebConfig(AppConfig):
    name = "kado_web"
    label = "kado_web"
    verbose_name = _("Web pages")
