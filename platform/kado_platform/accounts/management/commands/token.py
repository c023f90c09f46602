"""`kado token create|revoke|list`: API tokens for GraphQL clients (`Authorization: Bearer`)."""

# ruff: noqa: A005  (Django names the command after the module; it is never imported as
# a top-level `token`, only as kado_platform.accounts.management.commands.token)

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.models import ApiToken
from kado_platform.accounts.selectors import api_token_for, user_by_email
from kado_platform.accounts.services import api_token_create, api_token_revoke
from kado_platform.core.errors import DomainError
from kado_platform.core.management.commands._output import as_json, bilingual, refusal, table


class Command(BaseCommand):
    help = "Create, revoke and list API tokens. Only a token's SHA-256 is stored."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", metavar="{create,revoke,list}")
        commands.required = True

        create = commands.add_parser("create", help="Create a token; it is printed once.")
        create.add_argument("email", help="the user the token signs in as")
        create.add_argument("--name", default="cli", help="what the token is for (default: cli)")
        create.add_argument(
            "--expires",
            help="YYYY-MM-DD: the token stops working at 00:00 Japan time on that day",
        )

        revoke = commands.add_parser("revoke", help="Revoke a token by its prefix or id.")
        revoke.add_argument("token", metavar="PREFIX_OR_ID")

        listing = commands.add_parser("list", help="List tokens, of one user or of everyone.")
        listing.add_argument("email", nargs="?")
        listing.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        try:
            return getattr(self, f"handle_{options['action']}")(**options)
        except DomainError as error:
            raise refusal(error) from error

    def handle_create(self, **options):
        user = _user(options["email"])
        expires_at = _expiry(options["expires"])
        token, raw = api_token_create(user=user, name=options["name"], expires_at=expires_at)
        self.stdout.write(
            self.style.SUCCESS(f"Created token {token.prefix}… ({token.name}) for {user.email}.")
        )
        if token.expires_at:
            self.stdout.write(f"Expires: {_local(token.expires_at)}")
        self.stdout.write("The token is shown once and cannot be recovered; store it now:")
        self.stdout.write(raw)

    def handle_revoke(self, **options):
        token = _token(options["token"])
        already = token.revoked_at is not None
        token = api_token_revoke(token=token)
        state = "was already revoked" if already else "is revoked"
        self.stdout.write(
            self.style.SUCCESS(f"Token {token.prefix}… ({token.name}, {token.user}) {state}.")
        )

    def handle_list(self, **options):
        tokens = ApiToken.objects.select_related("user").order_by("user__email", "created_at")
        if options["email"]:
            tokens = tokens.filter(user=_user(options["email"]))
        rows = [
            {
                "id": token.pk,
                "prefix": token.prefix,
                "name": token.name,
                "user": token.user.email,
                "status": _status(token),
                "created": _local(token.created_at),
                "expires": _local(token.expires_at),
                "last_used": _local(token.last_used_at),
            }
            for token in tokens
        ]
        if options["format"] == "json":
            self.stdout.write(as_json(rows))
        elif not rows:
            self.stdout.write(bilingual(_("No API tokens.")))
        else:
            self.stdout.write(table(rows, list(rows[0])))


def _user(email: str):
    user = user_by_email(email or "")
    if user is None:
        raise DomainError(
            "user_not_found",
            _("No user has the email address %(email)s."),
            field="email",
            params={"email": email},
        )
    return user


def _expiry(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            "date_format",
            _("Enter a date as YYYY-MM-DD (got %(value)s)."),
            field="expires",
            params={"value": value},
        ) from None
    return datetime.datetime.combine(day, datetime.time(), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _token(key: str) -> ApiToken:
    key = (key or "").strip()
    tokens = ApiToken.objects.select_related("user")
    if key.isdigit():
        token = tokens.filter(pk=int(key)).first()
    elif len(key) > 12:
        token = api_token_for(key)  # the whole secret, pasted
    else:
        matches = list(tokens.filter(prefix__startswith=key)[:2]) if len(key) >= 6 else []
        if len(matches) > 1:
            raise DomainError(
                "token_ambiguous",
                _("More than one token starts with %(key)s; give the id instead."),
                field="token",
                params={"key": key},
            )
        token = matches[0] if matches else None
    if token is None:
        raise DomainError(
            "token_not_found",
            _("No token has the prefix or id %(key)s."),
            field="token",
            params={"key": key},
        )
    return token


def _status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_usable() else "expired"


def _local(moment) -> str:
    if moment is None:
        return ""
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")
