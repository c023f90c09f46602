from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kado_tenants.clients.models import Client
from kado_tenants.orders.categories import Category
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.workforce.models import MINUTES_PER_DAY, Worker


class Order(models.Model):
    """One piece of work received from a client (受注案件)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="orders"
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices, default=ContractType.HOURLY
    )
    unit_price = models.PositiveIntegerField(
        _("unit price (yen)"), help_text=_("Per hour for hourly work, per unit otherwise.")
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"))
    amount = models.PositiveBigIntegerField(_("amount (yen)"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    invoiced_on = models.DateField(_("invoiced on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.RECEIVED
    )
    # The wide-area order this one is a region's share of (public schema, so an id, not a FK).
    federated_order_id = models.BigIntegerField(
        _("federated order"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["received_on"]),
            models.Index(fields=["category"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="order_due_after_received",
                condition=Q(due_on__gte=F("received_on")),
                violation_error_message=_("The due date cannot be before the date received."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"


class Assignment(models.Model):
    """A worker placed on an order (業務割当)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="assignments")
    assigned_on = models.DateField(_("assigned on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["order", "worker"], name="assignment_unique")
        ]

    def __str__(self):
        return f"{self.order.reference} / {self.worker}"


class WorkLog(models.Model):
    """Minutes one worker spent on one order on one day (稼働記録)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="work_logs")
    work_date = models.DateField(_("work date"))
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The approving user lives in the public schema; kept as an id, not a cross-schema FK.
    approved_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-work_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "work_date"], name="worklog_one_per_day"),
            models.CheckConstraint(
                name="worklog_minutes_in_day",
                condition=Q(minutes__gte=1, minutes__lte=MINUTES_PER_DAY),
            ),
        ]
        indexes = [models.Index(fields=["work_date"])]

    def __str__(self):
        return f"{self.work_date} {self.minutes}min"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_correctable(self) -> bool:
        """Not approved yet (then it is the basis of pay), on an order not cancelled: what
        worklog_update and worklog_withdraw accept, for pages to offer or not."""
        return not self.is_approved and self.assignment.order.status != OrderStatus.CANCELLED
