"""What the region mutations share: the sensitive-field check and small conversions."""

from __future__ import annotations

import graphene
from django.utils import timezone

from kado_graphql.core.errors import PermissionDeniedError
from kado_graphql.core.permissions import allowed
from kado_graphql.region.enums import choice
from kado_platform.accounts.policy import Perm

SENSITIVE_FIELDS = ("constraint_reason", "constraint_note")


class AvailabilityWindowInput(graphene.InputObjectType):
    weekday = graphene.Int(required=True, description="0 = Monday … 6 = Sunday.")
    start_minute = graphene.Int(required=True, description="Minute of the day (0…1439).")
    end_minute = graphene.Int(
        required=True, description="Minute of the day (1…1440), after the start."
    )


def require_sensitive(info, data: dict) -> None:
    """Setting a worker's time-constraint reason or note needs REGION_SENSITIVE (region
    admins): anyone else is refused before anything is written, even to clear them."""
    for field in SENSITIVE_FIELDS:
        if field in data and not allowed(info.context, Perm.REGION_SENSITIVE):
            raise PermissionDeniedError(field=field)


def sensitive_values(data: dict) -> dict:
    """The constraint fields as the service takes them: a stored value, "" for none."""
    values = {}
    if "constraint_reason" in data:
        values["constraint_reason"] = (
            choice(data["constraint_reason"]) if data["constraint_reason"] is not None else ""
        )
    if "constraint_note" in data:
        values["constraint_note"] = data["constraint_note"] or ""
    return values


def window_tuples(items) -> list[tuple[int, int, int]]:
    return [(item["weekday"], item["start_minute"], item["end_minute"]) for item in items or ()]


def today():
    return timezone.localdate()


def text_or_empty(data: dict, *fields: str) -> dict:
    """Optional text inputs: absent stays absent, null means empty."""
    return {field: data[field] or "" for field in fields if field in data}
