from kado_platform.accounts.models import ApiToken, Membership, User


def api_token_for(raw: str) -> ApiToken | None:
    if not raw:
        return None
    return ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(raw)).first()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def memberships_of(user) -> list[Membership]:
    return list(user.memberships.select_related("region").order_by("role", "region__code"))
