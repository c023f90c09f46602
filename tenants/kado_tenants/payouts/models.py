"""Payouts to workers: statements, Zengin transfers and the Freelance Act's records.

Money is whole yen (PositiveBigIntegerField: never negative). Approved statements, their
lines and work-log links, commission notices and relationship-end notices are immutable:
the services refuse to change them and database triggers (migration 0002) refuse any
UPDATE or DELETE that slips past the services, raw SQL included.
"""

from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kado_platform.core.fields import EncryptedTextField
from kado_tenants.orders.categories import Category
from kado_tenants.orders.models import Assignment, Order, WorkLog
from kado_tenants.payouts.choices import (
    AccommodationKind,
    AccountType,
    LineKind,
    RecordSeparator,
    StatementStatus,
    TerminationException,
)
from kado_tenants.workforce.models import Worker


def _digits_message(length: int) -> str:
    return gettext("Enter exactly %(n)s digits.") % {"n": length}


def _digits(length: int, code: str) -> RegexValidator:
    # Lazy, so the message is in the language of the request (and migrations stay English).
    return RegexValidator(rf"^[0-9]{{{length}}}$", lazy(_digits_message, str)(length), code=code)


class PayoutSettings(models.Model):
    """The region's own payout details: one row per region schema."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    principal_name = models.CharField(
        _("commissioning party (委託事業者名)"), max_length=200, blank=True
    )
    remitter_code = models.CharField(
        _("remitter code (振込依頼人コード)"),
        max_length=10,
        blank=True,
        validators=[_digits(10, "remitter_code_format")],
    )
    remitter_name_kana = models.CharField(_("remitter name (kana)"), max_length=40, blank=True)
    bank_code = models.CharField(
        _("bank code"), max_length=4, blank=True, validators=[_digits(4, "bank_code_format")]
    )
    branch_code = models.CharField(
        _("branch code"), max_length=3, blank=True, validators=[_digits(3, "branch_code_format")]
    )
    account_type = models.CharField(
        _("account type"), max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    account_number = models.CharField(
        _("account number"),
        max_length=7,
        blank=True,
        validators=[_digits(7, "account_number_format")],
    )
    record_separator = models.CharField(
        _("record separator"),
        max_length=4,
        choices=RecordSeparator.choices,
        default=RecordSeparator.CRLF,
    )
    payment_month_offset = models.PositiveSmallIntegerField(
        _("months after the closing month"),
        default=1,
        validators=[MaxValueValidator(1)],
        help_text=_("Statements close on the last day of the month: 1 = paid the next month."),
    )
    payment_day = models.PositiveSmallIntegerField(
        _("payment day"),
        default=31,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Day of the month; beyond the month's last day means its last day."),
    )
    payment_method = models.CharField(
        _("payment method"),
        max_length=200,
        default="銀行振込（振込手数料は委託者負担）",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout settings")
        verbose_name_plural = _("payout settings")
        constraints = [
            models.CheckConstraint(name="payout_settings_singleton", condition=Q(singleton=True)),
            models.CheckConstraint(
                name="payout_settings_payment_day",
                condition=Q(payment_day__gte=1, payment_day__lte=31),
            ),
        ]

    def __str__(self):
        return "payout settings"


class WithholdingCategory(models.Model):
    """Whether work of a category is paid with income tax withheld (所得税法 第204条).

    Data, per region: a category without a row does not withhold.
    """

    category = models.CharField(_("category"), max_length=30, choices=Category.choices, unique=True)
    withholds = models.BooleanField(_("withholds income tax"), default=False)
    note = models.CharField(_("legal basis"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("withholding by category")
        verbose_name_plural = _("withholding by category")
        ordering = ["category"]

    def __str__(self):
        return f"{self.category}: {'withholds' if self.withholds else 'no withholding'}"


class BankAccount(models.Model):
    """Where a worker is paid (one account per worker)."""

    worker = models.OneToOneField(Worker, on_delete=models.PROTECT, related_name="bank_account")
    bank_code = models.CharField(
        _("bank code"), max_length=4, validators=[_digits(4, "bank_code_format")]
    )
    branch_code = models.CharField(
        _("branch code"), max_length=3, validators=[_digits(3, "branch_code_format")]
    )
    account_type = models.CharField(
        _("account type"), max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    # Encrypted at rest: the database holds a Fernet token, longer than the value, so the
    # lengths are validators, not column sizes (migration 0005 encrypted the older rows).
    account_number = EncryptedTextField(
        _("account number"), validators=[_digits(7, "account_number_format")]
    )
    holder_kana = EncryptedTextField(
        _("account holder (kana)"), validators=[MaxLengthValidator(60)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return f"bank account of worker {self.worker_id}"


class DeliverablePay(models.Model):
    """Pay for deliverables received from a worker (per-deliverable work), recorded on receipt."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="deliverable_pays"
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.PositiveIntegerField(_("unit price (yen)"))
    received_on = models.DateField(_("received on"))
    recorded_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deliverable pay")
        verbose_name_plural = _("deliverable pays")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(name="deliverable_pay_quantity", condition=Q(quantity__gte=1)),
        ]

    def __str__(self):
        return f"deliverable pay {self.pk} ({self.received_on})"

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity


class PayoutStatement(models.Model):
    """A worker's monthly payout statement (支払明細): immutable once approved."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="payout_statements")
    month = models.DateField(_("month"), help_text=_("The first day of the month paid for."))
    sequence = models.PositiveSmallIntegerField(_("number in the month"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    closing_on = models.DateField(_("closing date (締切日)"))
    hourly_rate = models.PositiveIntegerField(_("hourly rate (yen)"))
    invoice_registration_number = models.CharField(
        _("invoice registration number"), max_length=14, blank=True
    )
    fee = models.PositiveBigIntegerField(_("fee, tax excluded (yen)"))
    consumption_tax = models.PositiveBigIntegerField(_("consumption tax (yen)"))
    withholding_base = models.PositiveBigIntegerField(_("fee subject to withholding (yen)"))
    withholding_tax = models.PositiveBigIntegerField(_("income tax withheld (yen)"))
    net_amount = models.PositiveBigIntegerField(_("net payment (yen)"))
    first_received_on = models.DateField(_("first receipt of work on the statement"))
    payment_deadline = models.DateField(_("latest lawful payment date"))
    due_on = models.DateField(_("payment due on"))
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("payout statement")
        verbose_name_plural = _("payout statements")
        ordering = ["-month", "worker_id", "sequence", "id"]
        indexes = [models.Index(fields=["month", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "month", "sequence"], name="payout_statement_number"
            ),
            models.UniqueConstraint(
                fields=["worker", "month"],
                condition=Q(status="draft"),
                name="payout_statement_one_draft",
            ),
            models.CheckConstraint(
                name="payout_statement_net",
                condition=Q(net_amount=F("fee") + F("consumption_tax") - F("withholding_tax")),
            ),
            models.CheckConstraint(
                name="payout_statement_withholding_base",
                condition=Q(withholding_base__lte=F("fee")),
            ),
            models.CheckConstraint(
                name="payout_statement_due_lawful", condition=Q(due_on__lte=F("payment_deadline"))
            ),
            models.CheckConstraint(
                name="payout_statement_approval",
                condition=Q(status="draft", approved_at__isnull=True)
                | Q(status="approved", approved_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} #{self.sequence} worker {self.worker_id}"

    @property
    def is_approved(self) -> bool:
        return self.status == StatementStatus.APPROVED


class PayoutLine(models.Model):
    """One line of a statement: an order's minutes at one rate, or one deliverable."""

    statement = models.ForeignKey(PayoutStatement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payout_lines")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    unit_price = models.PositiveIntegerField(_("rate or unit price (yen)"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.PositiveBigIntegerField(_("amount (yen)"))
    withholding = models.BooleanField(_("subject to withholding"), default=False)
    received_on = models.DateField(_("received on"))
    deliverable = models.OneToOneField(
        DeliverablePay,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout_line",
    )

    class Meta:
        ordering = ["statement_id", "kind", "order_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="payout_line_shape",
                condition=Q(kind="hourly", minutes__isnull=False, deliverable__isnull=True)
                | Q(kind="deliverable", minutes__isnull=True, deliverable__isnull=False),
            ),
        ]

    def __str__(self):
        return f"line {self.pk} of statement {self.statement_id}"


class PayoutWorkLog(models.Model):
    """A work log paid on a statement line; a log is paid on one statement at most."""

    line = models.ForeignKey(PayoutLine, on_delete=models.CASCADE, related_name="work_logs")
    work_log = models.OneToOneField(WorkLog, on_delete=models.PROTECT, related_name="payout")

    class Meta:
        ordering = ["line_id", "work_log_id"]

    def __str__(self):
        return f"work log {self.work_log_id} on line {self.line_id}"


class TransferBatch(models.Model):
    """One Zengin file made for a set of approved statements."""

    transfer_date = models.DateField(_("transfer date"))
    filename = models.CharField(_("file name"), max_length=100)
    count = models.PositiveIntegerField(_("transfers"))
    total = models.PositiveBigIntegerField(_("total (yen)"))
    sha256 = models.CharField(max_length=64)
    # The file exactly as handed to the bank, kept with the batch: it can be downloaded
    # again, and it is the record of the transfer (電子帳簿保存法).
    content = models.BinaryField(_("file as made"), editable=False, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename


class TransferItem(models.Model):
    """A statement in a transfer file: each statement is transferred once."""

    batch = models.ForeignKey(TransferBatch, on_delete=models.PROTECT, related_name="items")
    statement = models.OneToOneField(
        PayoutStatement, on_delete=models.PROTECT, related_name="transfer"
    )
    amount = models.PositiveBigIntegerField(_("amount (yen)"))

    def __str__(self):
        return f"statement {self.statement_id} in transfer {self.batch_id}"


class CommissionNotice(models.Model):
    """The terms notice of Freelance Act art. 3 (3条通知), recorded before work starts.

    Items of 公正取引委員会関係特定受託事業者に係る取引の適正化等に関する法律施行規則 第1条:
    both parties' names, the date commissioned, the content of the work, the date (and
    place) of delivery, the inspection completion date when there is an inspection, the
    amount (or how it is computed) and the payment date, and the payment method.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="commission_notice"
    )
    principal_name = models.CharField(_("commissioning party"), max_length=200)
    worker_name = models.CharField(_("commissioned worker"), max_length=100)
    commissioned_on = models.DateField(_("date commissioned"))
    content = models.TextField(_("content of the work"))
    delivery_on = models.DateField(_("date of delivery (or end of the service period)"))
    delivery_place = models.CharField(_("place of delivery"), max_length=200)
    inspection_on = models.DateField(_("inspection completion date"), null=True, blank=True)
    hourly_rate = models.PositiveIntegerField(_("hourly rate (yen)"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("fixed amount (yen)"), null=True, blank=True)
    amount_computation = models.TextField(_("how the amount is computed"))
    payment_due_on = models.DateField(_("payment date"))
    payment_terms = models.CharField(_("payment terms"), max_length=200)
    payment_method = models.CharField(_("payment method"), max_length=200)
    body = models.TextField(_("the notice as given"))
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("commission notice (3条通知)")
        verbose_name_plural = _("commission notices (3条通知)")
        ordering = ["-commissioned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="commission_notice_amount",
                condition=Q(hourly_rate__isnull=False) | Q(amount__isnull=False),
            ),
            models.CheckConstraint(
                name="commission_notice_delivery_after_commission",
                condition=Q(delivery_on__gte=F("commissioned_on")),
            ),
            models.CheckConstraint(
                name="commission_notice_paid_after_delivery",
                condition=Q(payment_due_on__gte=F("delivery_on")),
            ),
        ]

    def __str__(self):
        return f"3条通知 of assignment {self.assignment_id}"


class AccommodationRequest(models.Model):
    """A request to balance the work with childcare or care (Freelance Act art. 13).

    The content and the response can describe a family's situation: encrypted at rest.
    """

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="accommodation_requests"
    )
    requested_on = models.DateField(_("requested on"))
    kind = models.CharField(_("kind"), max_length=20, choices=AccommodationKind.choices)
    content = EncryptedTextField(_("what was asked"))
    response = EncryptedTextField(_("response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    continuous = models.BooleanField(
        _("continuous relationship (six months or more)"),
        help_text=_("Art. 13(1) duty when set; the art. 13(2) effort duty otherwise."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="accommodation_response_dated",
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("requested_on")),
            ),
        ]

    def __str__(self):
        return f"{self.kind} request {self.pk} ({self.requested_on})"


class RelationshipEnd(models.Model):
    """A notice ending a worker's relationship (Freelance Act art. 16: 30 days ahead)."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="relationship_ends")
    notified_on = models.DateField(_("notified on"))
    ends_on = models.DateField(_("ends on"))
    relationship_started_on = models.DateField(_("relationship started on"))
    continuous = models.BooleanField(_("continuous relationship (six months or more)"))
    exception = models.CharField(
        _("exception to the notice period"),
        max_length=30,
        choices=TerminationException.choices,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-notified_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="relationship_end_after_notice", condition=Q(ends_on__gte=F("notified_on"))
            ),
        ]

    def __str__(self):
        return f"worker {self.worker_id} ends {self.ends_on}"
