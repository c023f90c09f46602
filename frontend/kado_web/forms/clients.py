from django import forms
from django.utils.translation import gettext_lazy as _

from kado_tenants.clients.selectors import client_list
from kado_tenants.clients.services import client_create, client_update
from kado_web.forms.base import FilterForm, ServiceForm


def client_kind_choices():
    """The kinds of client, as the model field declares them (read via the selector)."""
    return list(client_list().model._meta.get_field("kind").choices)


class ClientFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *client_kind_choices()]


class ClientForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"))
    corporate_number = forms.CharField(
        label=_("Corporate number"),
        max_length=13,
        required=False,
        help_text=_("The 13-digit number of the National Tax Agency, if any."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, client=None, **kwargs):
        self.client = client
        if client is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(client, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "---------"), *client_kind_choices()]

    def perform(self, **data):
        if self.client is None:
            return client_create(acting_user=self.user, **data)
        return client_update(client=self.client, acting_user=self.user, **data)
