"""Choices of the payouts app, importable by the edges without the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class LineKind(models.TextChoices):
    HOURLY = "hourly", _("Hourly work")
    DELIVERABLE = "deliverable", _("Deliverable")


class AccountType(models.TextChoices):
    """預金種目 as the Zengin format codes it."""

    ORDINARY = "1", _("Ordinary (普通)")
    CURRENT = "2", _("Current (当座)")
    SAVINGS = "4", _("Savings (貯蓄)")


class RecordSeparator(models.TextChoices):
    """What ends each 120-byte record of a Zengin file; banks differ."""

    CRLF = "crlf", _("CR LF after each record")
    NONE = "none", _("None (records back to back)")


class AccommodationKind(models.TextChoices):
    """育児介護等と業務の両立に対する配慮 (Freelance Act, art. 13)."""

    CHILDCARE = "childcare", _("Childcare (育児)")
    CARE = "care", _("Family care (介護)")
    PREGNANCY = "pregnancy", _("Pregnancy or childbirth (妊娠・出産)")


class TerminationException(models.TextChoices):
    """Cases in which the 30 days' notice of art. 16(1) is not required (厚生労働省関係
    特定受託事業者に係る取引の適正化等に関する法律施行規則 第4条)."""

    DISASTER = "disaster", _("Disaster or other unavoidable cause")
    UPSTREAM_CANCELLED = "upstream_cancelled", _("The upstream commission was cancelled")
    SHORT_CONTRACT = "short_contract", _("The individual contract runs 30 days or less")
    WORKER_AT_FAULT = "worker_at_fault", _("A cause attributable to the worker")
    BASIC_CONTRACT_ONLY = (
        "basic_contract_only",
        _("Basic contract only: no individual contract in force"),
    )
