import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.models import ApiToken, Membership, User
from kado_platform.accounts.policy import forget
from kado_platform.accounts.roles import FEDERATION_ROLES, Role
from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError


@transaction.atomic
def user_create(
    *, email: str, password: str | None, name: str = "", name_kana: str = "", acting_user=None
) -> User:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError(
            "email_invalid", _("Enter a valid email address."), field="email"
        ) from error
    if User.objects.filter(email=email).exists():
        raise DomainError(
            "email_taken", _("A user with this email address already exists."), field="email"
        )
    user = User(email=email, name=name, name_kana=name_kana)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(
                "password_weak", " ".join(error.messages), field="password"
            ) from error
    user.set_password(password)  # None leaves an unusable password until a reset
    user.save()
    audit_record(action="user.create", actor=acting_user, instance=user, region_code="")
    return user


@transaction.atomic
def membership_grant(*, user: User, role: Role | str, region=None, acting_user=None) -> Membership:
    try:
        role = Role(role)
    except ValueError as error:
        raise DomainError("role_unknown", _("Unknown role."), field="role") from error
    if (role in FEDERATION_ROLES) != (region is None or region.is_federation):
        raise DomainError(
            "role_scope",
            _("Federation roles take no region; region roles need one."),
            field="region",
        )
    if region is not None and region.is_federation:
        region = None
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.get_or_create(
                user=user, role=role, region=region
            )
    except IntegrityError as error:
        raise DomainError(
            "membership_invalid", _("This membership is not allowed."), field="role"
        ) from error
    forget(user)
    audit_record(
        action="membership.grant",
        actor=acting_user,
        instance=membership,
        changes={"role": str(role), "region": region.code if region else ""},
        region_code=region.code if region else "",
    )
    return membership


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at=None, acting_user=None
) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is shown once and never stored."""
    if not name or len(name) > 100:
        raise DomainError(
            "token_name", _("Give the token a name of at most 100 characters."), field="name"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            "token_expiry_past", _("The expiry must be in the future."), field="expires"
        )
    raw = "kado_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], digest=ApiToken.digest_of(raw), expires_at=expires_at
    )
    audit_record(
        action="api_token.create", actor=acting_user or user, instance=token, region_code=""
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="api_token.revoke", actor=acting_user, instance=token, region_code="")
    return token
