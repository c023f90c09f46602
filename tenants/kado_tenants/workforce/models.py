from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kado_platform.core.fields import EncryptedTextField
from kado_platform.core.validators import validate_invoice_registration_number
from kado_tenants.workforce.choices import ConstraintReason, WorkerStatus  # noqa: F401 (re-exported)

MINUTES_PER_DAY = 24 * 60


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self):
        return self.name


kana_validator = RegexValidator(
    r"^[\u30A0-\u30FF\u3040-\u309F\u3000 ー・]*$",
    _("Enter the reading in kana."),
    code="kana_only",
)


class Worker(models.Model):
    """A self-employed teleworker registered with this region."""

    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, validators=[kana_validator])
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="workers"
    )
    hourly_rate = models.PositiveIntegerField(
        _("hourly rate (yen)"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    invoice_registration_number = models.CharField(
        _("invoice registration number"),
        max_length=14,
        blank=True,
        validators=[validate_invoice_registration_number],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=WorkerStatus.choices, default=WorkerStatus.APPLICANT
    )
    joined_on = models.DateField(_("joined on"))
    # 要配慮個人情報: encrypted at rest, shown to region admins only, never leaves the region.
    constraint_reason = EncryptedTextField(_("reason for the time constraint"), blank=True)
    constraint_note = EncryptedTextField(_("note on the time constraint"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["name_kana", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.name


class WorkerStatusChange(models.Model):
    """Each step along the journey, dated: the outcomes leadership reports count these."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=WorkerStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=WorkerStatus.choices)
    changed_on = models.DateField()

    class Meta:
        ordering = ["changed_on", "id"]
        indexes = [models.Index(fields=["to_status", "changed_on"])]

    def __str__(self):
        return f"{self.worker_id}: {self.from_status} → {self.to_status} ({self.changed_on})"


class AvailabilityWindow(models.Model):
    """A weekly window in which a worker can take work, in minutes after midnight (JST)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MaxValueValidator(6)], help_text=_("0 = Monday … 6 = Sunday")
    )
    start_minute = models.PositiveSmallIntegerField(
        _("from (minute of the day)"), validators=[MaxValueValidator(MINUTES_PER_DAY - 1)]
    )
    end_minute = models.PositiveSmallIntegerField(
        _("until (minute of the day)"),
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)],
    )

    class Meta:
        ordering = ["weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                name="availability_window_positive",
                condition=Q(end_minute__gt=F("start_minute")),
                violation_error_message=_("A window must end after it starts."),
            ),
            models.CheckConstraint(name="availability_weekday_range", condition=Q(weekday__lte=6)),
        ]

    def __str__(self):
        return f"{self.weekday} {self.start_minute}-{self.end_minute}"

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute
