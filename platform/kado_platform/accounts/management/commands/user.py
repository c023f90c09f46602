"""`kado user create EMAIL --role ROLE [--region CODE]`: a person who signs in, with a role."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from kado_platform.accounts.roles import Role
from kado_platform.accounts.services import membership_grant, user_create
from kado_platform.core.errors import DomainError
from kado_platform.core.management.commands._output import bilingual, host_url, refusal
from kado_platform.regions.selectors import region_get


class Command(BaseCommand):
    help = "Create a user with a role on the federation hub or on one region."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", metavar="{create}")
        commands.required = True

        create = commands.add_parser("create", help="Create a user and grant one role.")
        create.add_argument("email")
        create.add_argument(
            "--role",
            required=True,
            choices=[role.value for role in Role],
            help="operator, leader and coordinator act on the hub; region_* need --region",
        )
        create.add_argument("--region", help="the region's code, for region_admin and region_staff")
        create.add_argument("--password", help="omit to generate a strong one, printed once")
        create.add_argument("--name", default="", help="display name")
        create.add_argument("--name-kana", default="", help="reading of the name, in kana")

    def handle(self, *args, **options):
        try:
            return getattr(self, f"handle_{options['action']}")(**options)
        except DomainError as error:
            raise refusal(error, fields={"code": "region"}) from error

    def handle_create(self, **options):
        role = Role(options["role"])
        region = region_get(code=options["region"]) if options["region"] else None
        password = options["password"] or secrets.token_urlsafe(18)
        with transaction.atomic():  # a refused grant leaves no user behind
            user = user_create(
                email=options["email"],
                password=password,
                name=options["name"],
                name_kana=options["name_kana"],
            )
            membership_grant(user=user, role=role, region=region)

        place = f"region {region.code}" if region is not None else "the federation hub"
        host = region.host if region is not None else settings.BASE_DOMAIN
        label = bilingual(role.label)
        self.stdout.write(self.style.SUCCESS(f"Created {user.email}: {label} on {place}."))
        self.stdout.write(f"  Login: {host_url(host, '/login/')}")
        if not options["password"]:
            self.stdout.write(
                f"  Password (shown once, store it now): {self.style.WARNING(password)}"
            )
