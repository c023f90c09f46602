"""The federation's read model and its wide-area orders, in the public schema.

The index tables mirror the regions' orders, workers and work minutes WITHOUT personal
data (no names, contacts or constraint reasons: workers appear as a region and an id).
They are written by triggers that every region schema carries (see sql.py), in the same
transaction as the regional row, so they cannot disagree with the regions;
`kado index rebuild` recomputes them and `kado index check` proves they agree.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kado_platform.federation.choices import MoneyKind, OutcomeKind


class OrderIndexEntry(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    order_id = models.BigIntegerField()
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    client_name = models.CharField(max_length=200)
    client_kind = models.CharField(max_length=20)
    category = models.CharField(max_length=30)
    contract_type = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    amount = models.BigIntegerField()
    estimated_minutes = models.IntegerField()
    logged_minutes = models.BigIntegerField()
    received_on = models.DateField()
    due_on = models.DateField()
    fiscal_year = models.SmallIntegerField()
    indexed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "order_id"], name="order_index_unique")
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "region"]),
            models.Index(fields=["status"]),
            models.Index(fields=["category"]),
            models.Index(fields=["client_kind"]),
            models.Index(fields=["due_on"]),
            models.Index(fields=["-received_on", "-id"], name="order_index_recent"),
        ]

    def __str__(self):
        return f"{self.region_id}:{self.order_id} {self.reference}"


class WorkerIndexEntry(models.Model):
    """A worker as capacity and outcomes see them: skills, weekly minutes, journey dates."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    worker_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    skill_codes = ArrayField(models.CharField(max_length=40), default=list)
    # Minutes of availability per weekday, Monday first.
    weekly_minutes = ArrayField(models.IntegerField(), size=7)
    joined_on = models.DateField()
    employed_on = models.DateField(null=True)
    returned_on = models.DateField(null=True)
    indexed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "worker_id"], name="worker_index_unique")
        ]
        indexes = [
            GinIndex(fields=["skill_codes"], name="worker_index_skills"),
            models.Index(fields=["status", "region"]),
        ]

    def __str__(self):
        return f"{self.region_id}:{self.worker_id}"


class WorkMinutes(models.Model):
    """Minutes worked per worker and month: the grain of the minutes and active-worker reports."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    worker_id = models.BigIntegerField()
    month = models.DateField()
    minutes = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "worker_id", "month"], name="work_minutes_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self):
        return f"{self.region_id}:{self.worker_id} {self.month:%Y-%m} {self.minutes}"


class MoneyIndexEntry(models.Model):
    """Money that moved in a region, without counterparties: the report's money totals.

    - billed: the total of each current invoice version (issued or paid), in the fiscal
      year of its number; a chain ended by a credit note bills nothing;
    - collected: the total of each invoice version received, in the year it was paid;
    - paid out: each statement's net amount in a Zengin transfer, in the year of the
      transfer date.
    `source_id` is the invoice id (billed, collected) or the transfer item id (paid out).
    """

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=MoneyKind.choices)
    source_id = models.BigIntegerField()
    amount = models.BigIntegerField()
    booked_on = models.DateField()
    fiscal_year = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "source_id"], name="money_index_unique"
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "kind", "region"])]

    def __str__(self):
        return f"{self.region_id}:{self.kind}:{self.source_id} {self.amount}"


class OutcomeEvent(models.Model):
    """Every dated outcome move of a worker (see OutcomeKind): the outcomes report.

    A worker's index row keeps only the latest dates; the safety net (employed, back to
    KADO, employed again) must leave each earlier year's count as it was, so every move
    is kept here. `change_id` is the region's status-change row.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    change_id = models.BigIntegerField()
    worker_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    happened_on = models.DateField()
    fiscal_year = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "change_id"], name="outcome_event_unique")
        ]
        indexes = [models.Index(fields=["fiscal_year", "kind", "region"])]

    def __str__(self):
        return f"{self.region_id}:{self.worker_id} {self.kind} {self.happened_on}"


class FederatedOrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class FederatedOrder(models.Model):
    """A large order the hub splits across regions (広域案件)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    client_name = models.CharField(_("client"), max_length=200)
    client_kind = models.CharField(_("client kind"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30)
    contract_type = models.CharField(_("contract type"), max_length=20)
    unit_price = models.PositiveIntegerField(_("unit price (yen)"))
    total_minutes = models.PositiveIntegerField(_("estimated minutes"))
    total_units = models.PositiveIntegerField(_("units"), default=1)
    total_amount = models.PositiveBigIntegerField(_("amount (yen)"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FederatedOrderStatus.choices,
        default=FederatedOrderStatus.OPEN,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("federated order")
        verbose_name_plural = _("federated orders")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.reference} {self.title}"


class Allocation(models.Model):
    """The share of a federated order given to one region (配分), linked to its regional order."""

    federated_order = models.ForeignKey(
        FederatedOrder, on_delete=models.PROTECT, related_name="allocations"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MinValueValidator(1)])
    units = models.PositiveIntegerField(_("units"), default=1)
    amount = models.PositiveBigIntegerField(_("amount (yen)"))
    order_id = models.BigIntegerField(_("regional order"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["federated_order", "region"], name="allocation_one_per_region"
            ),
            models.UniqueConstraint(fields=["region", "order_id"], name="allocation_order_unique"),
        ]

    def __str__(self):
        return f"{self.federated_order_id} → {self.region_id}"
