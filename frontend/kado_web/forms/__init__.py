from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.policy import Perm, has_perm


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "The email address or password is wrong, or this account has no role here."
        ),
        "inactive": _("This account is inactive."),
    }


class HostPasswordResetForm(PasswordResetForm):
    """Sends a reset link only to an account that holds a role on this host.

    For any other address the page says the same ("if the address is registered…"), so it
    reveals nothing; the link is built for the host it was asked on.
    """

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args, request=None, **kwargs):
        self._tenant = getattr(request, "tenant", None)
        return super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        tenant = getattr(self, "_tenant", None)
        if tenant is None:
            return
        for user in super().get_users(email):
            if has_perm(user, Perm.SIGN_IN, tenant):
                yield user
