"""`kado region create|list|suspend|resume`: provisioning and life cycle of regions."""

from __future__ import annotations

import datetime
import secrets
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.selectors import user_by_email
from kado_platform.core.errors import DomainError
from kado_platform.core.management.commands._output import (
    as_json,
    bilingual,
    host_url,
    refusal,
    refuse,
    table,
)
from kado_platform.regions.models import Prefecture, RegionKind
from kado_platform.regions.selectors import region_get, region_list
from kado_platform.regions.services import region_create, region_resume, region_suspend

# The service names the admin's fields `email` and `password`; the person typed these.
ADMIN_FIELDS = {"email": "admin_email", "password": "admin_password"}
CREATABLE_KINDS = [RegionKind.PARTNER, RegionKind.HUB, RegionKind.BUSINESS_PARTNER]


class Command(BaseCommand):
    help = "Create, list, suspend and resume regions (one PostgreSQL schema each)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", metavar="{create,list,suspend,resume}")
        commands.required = True

        create = commands.add_parser(
            "create",
            help="Create a region: its schema (cloned from the template), domain and first admin.",
        )
        create.add_argument("code", help="[a-z][a-z0-9-]{1,30}: the schema and subdomain name")
        create.add_argument("--name", required=True, help="Japanese name, e.g. 塩尻市")
        create.add_argument("--name-en", required=True, help="English name, e.g. Shiojiri City")
        where = create.add_mutually_exclusive_group(required=True)
        where.add_argument(
            "--municipality-code", help="全国地方公共団体コード: 6 digits with the check digit"
        )
        where.add_argument(
            "--no-municipality-code",
            action="store_true",
            help="the region is a group of towns and villages with no single code",
        )
        create.add_argument(
            "--prefecture",
            default=Prefecture.NAGANO.value,
            help="two-digit prefecture code (default 20, Nagano)",
        )
        create.add_argument(
            "--kind",
            default=RegionKind.PARTNER.value,
            choices=[kind.value for kind in CREATABLE_KINDS],
        )
        create.add_argument("--joined-on", help="YYYY-MM-DD (default today)")
        create.add_argument("--admin-email", required=True, help="the region's first admin")
        create.add_argument(
            "--admin-password",
            help="omit to generate a strong one, printed once (ignored for an existing user)",
        )
        create.add_argument("--admin-name", default="", help="the admin's display name")
        create.add_argument(
            "--by-migrations",
            action="store_true",
            help="run every migration instead of cloning the template (slow; for comparison)",
        )

        listing = commands.add_parser("list", help="List the regions.")
        listing.add_argument("--format", choices=["table", "json"], default="table")

        for action, verb in (("suspend", "Suspend"), ("resume", "Resume")):
            sub = commands.add_parser(action, help=f"{verb} a region.")
            sub.add_argument("code")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            return getattr(self, f"handle_{action}")(**options)
        except DomainError as error:
            raise refusal(error, fields=ADMIN_FIELDS if action == "create" else None) from error

    # create ---------------------------------------------------------------------------

    def handle_create(self, **options):
        joined_on = _parse_date(options["joined_on"], field="joined_on")
        email = options["admin_email"]
        existing_admin = user_by_email(email or "")
        password = options["admin_password"]
        generated = False
        if existing_admin is None and not password:
            password = secrets.token_urlsafe(18)
            generated = True

        started = time.perf_counter()
        region = region_create(
            code=options["code"],
            name=options["name"],
            name_en=options["name_en"],
            municipality_code=""
            if options["no_municipality_code"]
            else options["municipality_code"],
            prefecture=options["prefecture"],
            kind=options["kind"],
            joined_on=joined_on,
            admin_email=email,
            admin_password=None if existing_admin is not None else password,
            admin_name=options["admin_name"],
            use_template=not options["by_migrations"],
        )
        elapsed = time.perf_counter() - started

        method = "migrations" if options["by_migrations"] else "template clone"
        self.stdout.write(
            self.style.SUCCESS(f"Created region {region.code} ({region.name} / {region.name_en}).")
        )
        self.stdout.write(f"  URL:   {host_url(region.host)}")
        self.stdout.write(f"  Login: {host_url(region.host, '/login/')}")
        self.stdout.write(f"  Time:  {elapsed:.2f} s ({method})")
        if existing_admin is not None:
            self.stdout.write(
                f"  Admin: {existing_admin.email} (existing user: password unchanged)"
            )
            if options["admin_password"]:
                self.stderr.write(
                    self.style.WARNING("  --admin-password was ignored: the user already exists.")
                )
        elif generated:
            self.stdout.write(f"  Admin: {email.strip().lower()}")
            self.stdout.write(
                f"  Password (shown once, store it now): {self.style.WARNING(password)}"
            )
        else:
            self.stdout.write(f"  Admin: {email.strip().lower()}")

    # list -----------------------------------------------------------------------------

    def handle_list(self, **options):
        rows = [
            {
                "code": region.code,
                "name": region.name,
                "name_en": region.name_en,
                "kind": region.kind,
                "status": region.status,
                "municipality_code": region.municipality_code,
                "prefecture": region.prefecture,
                "host": region.host,
                "joined_on": region.joined_on.isoformat(),
            }
            for region in region_list()
        ]
        if options["format"] == "json":
            self.stdout.write(as_json(rows))
            return
        if not rows:
            self.stdout.write(bilingual(_("No regions yet.")))
            return
        self.stdout.write(
            table(
                [{**row, "name": f"{row['name']} / {row['name_en']}"} for row in rows],
                ["code", "name", "kind", "status", "municipality_code", "host", "joined_on"],
            )
        )

    # suspend / resume -----------------------------------------------------------------

    def handle_suspend(self, **options):
        region = region_suspend(region=region_get(code=options["code"]))
        self.stdout.write(self.style.SUCCESS(f"Region {region.code} is {region.status}."))

    def handle_resume(self, **options):
        region = region_resume(region=region_get(code=options["code"]))
        self.stdout.write(self.style.SUCCESS(f"Region {region.code} is {region.status}."))


def _parse_date(value: str | None, *, field: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise refuse(
            "date_format",
            _("Enter a date as YYYY-MM-DD (got %(value)s)."),
            field=field,
            params={"value": value},
        ) from None
