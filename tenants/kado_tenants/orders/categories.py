"""The work types of the seed (業務分類), grouped as the program reports them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryGroup(models.TextChoices):
    DIGITAL = "digital", _("Digital data creation")
    BACK_OFFICE = "back_office", _("Back office")
    MUNICIPAL = "municipal", _("Municipal work")


class Category(models.TextChoices):
    AI_ANNOTATION = "ai_annotation", _("AI training data (image annotation)")
    HD_MAP = "hd_map", _("3D HD maps for autonomous driving")
    BACK_OFFICE = "back_office", _("Accounting, procurement, HR and finance")
    DATA_ENTRY = "data_entry", _("Data entry")
    KITTING = "kitting", _("Device kitting")
    ONDEMAND_BUS = "ondemand_bus", _("AI on-demand bus operations")
    DX_PILOT = "dx_pilot", _("DX pilot support")
    GIGA_SCHOOL = "giga_school", _("GIGA school support")
    DIGITAL_HELP = "digital_help", _("Digital help for residents")
    ECONOMIC_RELIEF = "economic_relief", _("COVID economic-relief support")
    VACCINATION = "vaccination", _("Vaccination booking support")
    RPA_CONVERSION = "rpa_conversion", _("RPA and analog/digital conversion")
    FURUSATO_TAX = "furusato_tax", _("Hometown-tax donation operations")


CATEGORY_GROUPS: dict[str, str] = {
    Category.AI_ANNOTATION: CategoryGroup.DIGITAL,
    Category.HD_MAP: CategoryGroup.DIGITAL,
    Category.BACK_OFFICE: CategoryGroup.BACK_OFFICE,
    Category.DATA_ENTRY: CategoryGroup.BACK_OFFICE,
    Category.KITTING: CategoryGroup.BACK_OFFICE,
    Category.ONDEMAND_BUS: CategoryGroup.MUNICIPAL,
    Category.DX_PILOT: CategoryGroup.MUNICIPAL,
    Category.GIGA_SCHOOL: CategoryGroup.MUNICIPAL,
    Category.DIGITAL_HELP: CategoryGroup.MUNICIPAL,
    Category.ECONOMIC_RELIEF: CategoryGroup.MUNICIPAL,
    Category.VACCINATION: CategoryGroup.MUNICIPAL,
    Category.RPA_CONVERSION: CategoryGroup.MUNICIPAL,
    Category.FURUSATO_TAX: CategoryGroup.MUNICIPAL,
}
