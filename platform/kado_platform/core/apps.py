from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kado_platform.core"
    label = "core"
    verbose_name = "KADO core"
