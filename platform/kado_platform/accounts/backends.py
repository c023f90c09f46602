from django.contrib.auth.backends import ModelBackend

from kado_platform.accounts.policy import Perm, has_perm


class RegionAwareBackend(ModelBackend):
    """Email and password, and only on a host where the user holds a role.

    Django's own model permissions are global (public schema), so they are not used:
    every decision goes through kado_platform.accounts.policy.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = (email or username or "").strip().lower()
        user = super().authenticate(request, username=login, password=password, **kwargs)
        if user is None:
            return None
        tenant = getattr(request, "tenant", None)
        if tenant is None or not has_perm(user, Perm.SIGN_IN, tenant):
            return None
        return user

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
