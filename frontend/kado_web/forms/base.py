"""Forms whose save path is a service call.

`ServiceForm.save()` calls `perform()` with the cleaned data; a DomainError from the
service is attached to the field it names (or to the form as a whole), so the page shows
it next to that field, keeps what was typed, and nothing is written: the services are
atomic and validate before they write.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kado_platform.core.errors import DomainError


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceForm(forms.Form):
    #: Service field names that a form field of another name stands for.
    field_map: dict[str, str] = {}
    required_css_class = "is-required"

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.result = None
        super().__init__(*args, **kwargs)

    def perform(self, **data):  # pragma: no cover - every form defines it
        raise NotImplementedError

    def save(self):
        """The service's result, or None with the refusal attached to the form."""
        if not self.is_valid():
            return None
        try:
            self.result = self.perform(**self.cleaned_data)
        except DomainError as error:
            self.add_domain_error(error)
            return None
        return self.result

    def add_domain_error(self, error: DomainError) -> None:
        field = self.field_map.get(error.field, error.field)
        if field in self.fields:
            if field in self.cleaned_data:
                del self.cleaned_data[field]
            self.add_error(field, error.message)
        else:
            self.add_error(None, error.message)


class FilterForm(forms.Form):
    """GET filters of a list page: never invalid, unknown values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def value(self, name, default=None):
        self.is_valid()  # fills cleaned_data with the fields that are valid
        return self.cleaned_data.get(name) or default
