from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    LEADER = "leader", _("Federation leader")
    COORDINATOR = "coordinator", _("Coordinator")
    REGION_ADMIN = "region_admin", _("Region admin")
    REGION_STAFF = "region_staff", _("Region staff")


FEDERATION_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.COORDINATOR})
REGION_ROLES = frozenset({Role.REGION_ADMIN, Role.REGION_STAFF})
