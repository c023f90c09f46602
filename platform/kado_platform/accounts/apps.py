from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kado_platform.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from kado_platform.accounts import sessions  # noqa: F401  (binds sessions to a host)
