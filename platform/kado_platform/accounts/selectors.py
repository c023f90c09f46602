from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import JSONField, Q, Value
from django.db.models.functions import JSONObject

from kado_platform.accounts import policy
from kado_platform.accounts.models import ApiToken, Membership, User


def api_token_for(raw: str) -> ApiToken | None:
    """The token with its user and the user's memberships, in one query: every API request
    asks for it, and the permission checks that follow need nothing more."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw))
        .annotate(
            user_memberships=JSONBAgg(
                JSONObject(role="user__memberships__role", region="user__memberships__region_id"),
                filter=Q(user__memberships__isnull=False),
                default=Value([], output_field=JSONField()),
            )
        )
        .first()
    )
    if token is not None:
        policy.memberships_loaded(
            token.user, [(row["role"], row["region"]) for row in token.user_memberships]
        )
    return token


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def memberships_of(user) -> list[Membership]:
    return list(user.memberships.select_related("region").order_by("role", "region__code"))
