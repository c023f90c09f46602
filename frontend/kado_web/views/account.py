"""Password reset by e-mail, per host: only for an account with a role on this host."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from kado_platform.accounts.policy import Perm, has_perm
from kado_web.forms import HostPasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = HostPasswordResetForm
    template_name = "kado_web/account/password_reset_form.html"
    email_template_name = "kado_web/account/password_reset_email.txt"
    subject_template_name = "kado_web/account/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "kado_web/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A link made for one host does nothing for an account without a role on another."""

    template_name = "kado_web/account/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is not None and not has_perm(user, Perm.SIGN_IN, self.request.tenant):
            return None
        return user


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "kado_web/account/password_reset_complete.html"
