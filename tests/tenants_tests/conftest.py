"""Region fixtures: run a test inside region alpha, make rows through the services, and
check that a refusal wrote nothing."""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_tenants.clients.models import Client
from kado_tenants.orders.models import Assignment, Order, WorkLog
from kado_tenants.workforce.models import (
    AvailabilityWindow,
    Skill,
    Worker,
    WorkerStatusChange,
)

# 法人番号 with valid check digits (the first is the National Tax Agency's own).
CORPORATE_NUMBER = "7000012050002"
OTHER_CORPORATE_NUMBER = "4100001009547"

REGION_MODELS = [
    Skill,
    Worker,
    WorkerStatusChange,
    AvailabilityWindow,
    Client,
    Order,
    Assignment,
    WorkLog,
]


def row_counts() -> dict[str, int]:
    """Rows of every region table plus the audit log: a refusal must leave them all alone."""
    counts = {model._meta.label: model.objects.count() for model in REGION_MODELS}
    counts["audit"] = AuditEntry.objects.count()
    return counts


@pytest.fixture
def alpha(fed, in_region):
    """The test body runs in region alpha's schema."""
    with in_region(fed.alpha):
        yield fed.alpha


@pytest.fixture
def admin(fed):
    return fed.user("alpha_admin")


@pytest.fixture
def refused():
    """`refused(lambda: service(...), code=..., field=...)`: raises, and wrote nothing."""

    def _check(call, *, code: str, field: str | None):
        before = row_counts()
        with pytest.raises(DomainError) as info:
            call()
        assert (info.value.code, info.value.field) == (code, field), info.value.message
        assert info.value.message  # a message for people, not only a code
        assert row_counts() == before
        return info.value

    return _check


@pytest.fixture
def make(alpha, admin, maker):
    """Makes rows in region alpha, audited as alpha's admin."""
    return maker(acting_user=admin)


class QueryCount:
    """SQL statements run, without the `SET search_path` django-tenants adds before each."""

    def __init__(self, context: CaptureQueriesContext):
        self._context = context

    @property
    def value(self) -> int:
        return sum(
            not query["sql"].startswith("SET search_path")
            for query in self._context.captured_queries
        )


@pytest.fixture
def count_queries():
    """`with count_queries() as queries: ...` then `queries.value`."""

    @contextlib.contextmanager
    def _count():
        with CaptureQueriesContext(connection) as context:
            yield QueryCount(context)

    return _count
