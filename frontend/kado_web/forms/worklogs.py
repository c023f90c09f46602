"""Correcting and withdrawing a work log before it is approved."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kado_tenants.orders.services import worklog_update, worklog_withdraw
from kado_web.forms.base import DateInput, ServiceForm


class WorkLogEditForm(ServiceForm):
    """The day, minutes and note of an unapproved log; the service applies recording's rules."""

    work_date = forms.DateField(label=_("Work date"), widget=DateInput())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, work_log, **kwargs):
        self.work_log = work_log
        kwargs.setdefault(
            "initial",
            {"work_date": work_log.work_date, "minutes": work_log.minutes, "note": work_log.note},
        )
        super().__init__(*args, **kwargs)

    def perform(self, **data):
        return worklog_update(worklog=self.work_log, acting_user=self.user, **data)


class WorkLogWithdrawForm(ServiceForm):
    def __init__(self, *args, work_log, **kwargs):
        self.work_log = work_log
        super().__init__(*args, **kwargs)

    def perform(self):
        worklog_withdraw(worklog=self.work_log, acting_user=self.user)
        return self.work_log
