"""Region fixtures: run a test inside region alpha, make rows through the services, and
check that a refusal wrote nothing."""

from __future__ import annotations

import contextlib
import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_tenants.clients.models import Client, ClientKind
from kado_tenants.clients.services import client_create
from kado_tenants.orders.categories import Category
from kado_tenants.orders.models import Assignment, ContractType, Order, WorkLog
from kado_tenants.orders.services import assignment_create, order_create, order_transition
from kado_tenants.workforce.models import (
    AvailabilityWindow,
    Skill,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from kado_tenants.workforce.services import worker_change_status, worker_create

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


class Maker:
    """Rows made through the services, with defaults a test overrides only where it cares."""

    def __init__(self, acting_user=None):
        self.acting_user = acting_user
        self._numbers = itertools.count(1)

    def worker(self, **overrides) -> Worker:
        number = next(self._numbers)
        fields = {
            "name": f"塩尻 花子{number}",
            "name_kana": "シオジリ ハナコ",
            "hourly_rate": 1_000,
            "joined_on": datetime.date(2023, 4, 1),
            "acting_user": self.acting_user,
        }
        fields.update(overrides)
        return worker_create(**fields)

    def active_worker(self, **overrides) -> Worker:
        """Through the journey as a worker would go: applicant, training, active."""
        worker = self.worker(**overrides)
        joined = worker.joined_on
        worker_change_status(worker=worker, status=WorkerStatus.TRAINING, changed_on=joined)
        worker_change_status(worker=worker, status=WorkerStatus.ACTIVE, changed_on=joined)
        return worker

    def client(self, **overrides) -> Client:
        fields = {
            "name": f"株式会社テスト{next(self._numbers)}",
            "kind": ClientKind.URBAN_COMPANY,
            "acting_user": self.acting_user,
        }
        fields.update(overrides)
        return client_create(**fields)

    def order(self, **overrides) -> Order:
        fields = {
            "title": "画像アノテーション",
            "category": Category.AI_ANNOTATION,
            "contract_type": ContractType.HOURLY,
            "unit_price": 1_200,
            "estimated_minutes": 600,
            "received_on": datetime.date(2023, 5, 10),
            "due_on": datetime.date(2023, 6, 30),
            "acting_user": self.acting_user,
        }
        fields.update(overrides)
        if "client" not in fields:
            fields["client"] = self.client()
        return order_create(**fields)

    def started_order(self, **overrides) -> Order:
        order = self.order(**overrides)
        return order_transition(order=order, to_status="in_progress", on_date=order.received_on)

    def assignment(
        self, *, order=None, worker=None, assigned_on=None, agreed_amount=None
    ) -> Assignment:
        order = order or self.order()
        worker = worker or self.active_worker()
        return assignment_create(
            order=order,
            worker=worker,
            assigned_on=assigned_on or order.received_on,
            agreed_amount=agreed_amount,
            acting_user=self.acting_user,
        )


@pytest.fixture
def make(alpha, admin) -> Maker:
    """Makes rows in region alpha, audited as alpha's admin."""
    return Maker(acting_user=admin)


@pytest.fixture
def maker(fed):
    """`maker()` for tests that switch regions themselves (it makes rows wherever it runs)."""
    return Maker


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
