import itertools
import re
import unicodedata

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from kado_platform.core.errors import DomainError
from kado_tenants.payouts.choices import AccountType
from kado_tenants.payouts.selectors import bank_account_for
from kado_tenants.payouts.services import bank_account_set
from kado_tenants.workforce.selectors import availability_for, skill_list

# The choices come with the services that check them (the edges never import models).
from kado_tenants.workforce.services import (
    MINUTES_PER_DAY,
    WORKER_TRANSITIONS,
    ConstraintReason,
    WorkerStatus,
    availability_set,
    skill_create,
    worker_change_status,
    worker_create,
    worker_update,
)
from kado_web.forms.base import DateInput, FilterForm, ServiceForm


def _constraint_choices():
    return [("", _("None")), *ConstraintReason.choices]


class WorkerFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *list(WorkerStatus.choices)]
        self.fields["skill"].choices = [("", _("All"))] + [
            (skill.code, skill.name) for skill in skill_list()
        ]


class WorkerForm(ServiceForm):
    """Create or edit a worker; the sensitive fields exist only for region admins."""

    name = forms.CharField(label=_("Name"), max_length=100)
    name_kana = forms.CharField(
        label=_("Name (kana)"), max_length=100, help_text=_("In katakana or hiragana.")
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    hourly_rate = forms.IntegerField(
        label=_("Hourly rate (yen)"), min_value=1, max_value=100_000, initial=1000
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    invoice_registration_number = forms.CharField(
        label=_("Invoice registration number"),
        max_length=14,
        required=False,
        help_text=_("T followed by 13 digits, if the worker is registered."),
    )
    skill_codes = forms.MultipleChoiceField(
        label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), initial=WorkerStatus.APPLICANT)
    constraint_reason = forms.ChoiceField(label=_("Reason for the time constraint"), required=False)
    constraint_note = forms.CharField(
        label=_("Note on the time constraint"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    SENSITIVE = ("constraint_reason", "constraint_note")

    def __init__(self, *args, worker=None, sensitive=False, **kwargs):
        self.worker = worker
        if worker is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": worker.name,
                "name_kana": worker.name_kana,
                "email": worker.email,
                "phone": worker.phone,
                "hourly_rate": worker.hourly_rate,
                "joined_on": worker.joined_on,
                "invoice_registration_number": worker.invoice_registration_number,
                "skill_codes": [skill.code for skill in worker.skills.all()],
                **(
                    {
                        "constraint_reason": worker.constraint_reason,
                        "constraint_note": worker.constraint_note,
                    }
                    if sensitive
                    else {}
                ),
            }
        super().__init__(*args, **kwargs)
        self.fields["skill_codes"].choices = [(s.code, s.name) for s in skill_list()]
        self.fields["status"].choices = list(WorkerStatus.choices)
        self.fields["constraint_reason"].choices = _constraint_choices()
        if worker is not None:
            del self.fields["status"]  # it moves only through a dated status change
        if not sensitive:
            for name in self.SENSITIVE:
                del self.fields[name]

    def perform(self, **data):
        if self.worker is None:
            return worker_create(acting_user=self.user, **data)
        return worker_update(worker=self.worker, acting_user=self.user, **data)


class WorkerStatusForm(ServiceForm):
    status = forms.ChoiceField(label=_("New status"))
    changed_on = forms.DateField(label=_("Date of the change"), widget=DateInput())

    def __init__(self, *args, worker, **kwargs):
        self.worker = worker
        super().__init__(*args, **kwargs)
        allowed = WORKER_TRANSITIONS.get(worker.status, frozenset())
        self.fields["status"].choices = [
            (value, label) for value, label in WorkerStatus.choices if value in allowed
        ]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)

    def perform(self, *, status, changed_on):
        return worker_change_status(
            worker=self.worker, status=status, changed_on=changed_on, acting_user=self.user
        )


class BankAccountForm(ServiceForm):
    """Where a worker is paid (口座); the codes are checked against the Zengin bank master."""

    bank_code = forms.CharField(label=_("Bank code"), max_length=10, help_text=_("4 digits."))
    branch_code = forms.CharField(label=_("Branch code"), max_length=10, help_text=_("3 digits."))
    account_type = forms.ChoiceField(
        label=_("Account type"), choices=AccountType.choices, initial=AccountType.ORDINARY
    )
    account_number = forms.CharField(
        label=_("Account number"), max_length=10, help_text=_("Up to 7 digits.")
    )
    holder_kana = forms.CharField(
        label=_("Account holder (kana)"),
        max_length=100,
        help_text=_("As the bank writes it, in katakana."),
    )

    def __init__(self, *args, worker, **kwargs):
        self.worker = worker
        account = bank_account_for(worker)
        if account is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(account, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def perform(self, **account):
        return bank_account_set(worker=self.worker, acting_user=self.user, **account)


class SkillForm(ServiceForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_("Letters, digits, - and _; it names the skill in the API and never changes."),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    name_en = forms.CharField(label=_("English name"), max_length=150)

    def perform(self, **skill):
        return skill_create(acting_user=self.user, **skill)


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _clock_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


class ClockField(forms.CharField):
    """A time of day typed as H:MM, as minutes after midnight; 24:00 ends a day.

    Only the shape is checked here: whether the time lies inside the day is the
    service's rule, so it refuses it with its own message.
    """

    default_error_messages = {
        "invalid": _("Enter the time as hours and minutes, for example 9:00 or 17:30."),
    }

    def __init__(self, **kwargs):
        attrs = {"inputmode": "numeric", "autocomplete": "off", "size": 5}
        super().__init__(required=False, widget=forms.TextInput(attrs), **kwargs)

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", super().to_python(value)).strip()
        if not text:
            return None
        match = _CLOCK.match(text)
        if match is None or int(match[2]) >= 60:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match[1]) * 60 + int(match[2])


class AvailabilityRowForm(forms.Form):
    """One weekly window; a row left empty is no window."""

    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, required=False)
    start = ClockField(label=_("Start time"))
    end = ClockField(label=_("End time"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [("", "—"), *WEEKDAYS.items()]

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in ("weekday", "start", "end")]
        if not self.errors and any(v not in (None, "") for v in values):
            for name, value in zip(("weekday", "start", "end"), values, strict=True):
                if value in (None, ""):
                    self.add_error(
                        name,
                        _("Give the weekday, the start and the end, or leave the row empty."),
                    )
        return data

    @property
    def window(self) -> tuple[int, int, int] | None:
        data = getattr(self, "cleaned_data", {})
        if any(data.get(name) in (None, "") for name in ("weekday", "start", "end")):
            return None
        return (data["weekday"], data["start"], data["end"])


class BaseAvailabilityFormSet(forms.BaseFormSet):
    """The worker's week as rows; saving replaces every window through `availability_set`.

    The service decides what is refused; its message is put next to the row it is about,
    and nothing is written.
    """

    def __init__(self, *args, worker, user, **kwargs):
        self.worker = worker
        self.user = user
        if "initial" not in kwargs:
            kwargs["initial"] = [
                {
                    "weekday": window.weekday,
                    "start": _clock_text(window.start_minute),
                    "end": _clock_text(window.end_minute),
                }
                for window in availability_for(worker)
            ]
        super().__init__(*args, **kwargs)

    def save(self):
        """The saved windows, or None with the refusal attached to its row."""
        if not self.is_valid():
            return None
        rows = [(form, form.window) for form in self.forms if form.window is not None]
        try:
            return availability_set(
                worker=self.worker,
                windows=[window for _form, window in rows],
                acting_user=self.user,
            )
        except DomainError as error:
            self._place(error, rows)
            return None

    def _place(self, error: DomainError, rows) -> None:
        """Attach the service's refusal to the row (and field) it is about."""
        if error.code == "window_range":
            for form, (_day, start, end) in rows:
                if not 0 <= start < end <= MINUTES_PER_DAY:
                    form.add_error("end", error.message)
                    return
        if error.code == "window_overlap":
            ordered = sorted(rows, key=lambda row: row[1])
            for (_earlier, previous), (form, current) in itertools.pairwise(ordered):
                if previous[0] == current[0] and current[1] < previous[2]:
                    form.add_error("start", error.message)
                    return
        self._non_form_errors.append(error.message)


AvailabilityFormSet = forms.formset_factory(
    AvailabilityRowForm, formset=BaseAvailabilityFormSet, extra=3, max_num=50, validate_max=True
)
