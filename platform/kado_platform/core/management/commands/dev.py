"""`kado dev` (what `make dev` runs): migrate, load the demo if there is one, and serve."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.translation import gettext_lazy as _

from kado_platform.core.management.commands._output import host_url, refuse
from kado_platform.regions.selectors import region_list
from kado_platform.regions.services import federation_ensure

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Development only: migrate, load the demo data if empty, print the URLs, serve."
    requires_system_checks = []  # runserver runs them

    def add_arguments(self, parser):
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"where the development server listens (default {DEFAULT_ADDRPORT})",
        )
        parser.add_argument("--noreload", action="store_true", help="no auto-reloader")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="prepare the database and print the URLs, then stop",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise refuse(
                "debug_only",
                _("kado dev is for development only: set DEBUG=1."),
                field="DEBUG",
            )
        addrport = options["addrport"]
        # runserver's reloader starts this command again in a child process; the database
        # is ready by then, so the child only serves.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            self.prepare(port=_port(addrport))
        if options["no_serve"]:
            return
        call_command("runserver", addrport, use_reloader=not options["noreload"])

    def prepare(self, *, port: int) -> None:
        self.stdout.write("Migrating the public schema, the region template and every region…")
        call_command("migrate", interactive=False, verbosity=0)
        hub = federation_ensure()
        if "demo" in get_commands():
            self.stdout.write("Loading the demo data (only into an empty database)…")
            call_command("demo", "--if-empty")
        else:
            self.stdout.write("No demo command yet: create regions with `kado region create`.")

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Federation hub: {host_url(hub.host, port=port)}"))
        self.stdout.write(f"  login: {host_url(hub.host, '/login/', port=port)}")
        self.stdout.write(f"  admin: {host_url(hub.host, '/admin/', port=port)}")
        regions = list(region_list())
        for region in regions:
            status = "" if region.status == "active" else f"  ({region.status})"
            self.stdout.write(
                f"{region.name} / {region.name_en}: {host_url(region.host, port=port)}{status}"
            )
            self.stdout.write(f"  login: {host_url(region.host, '/login/', port=port)}")
        if not regions:
            self.stdout.write("No regions yet.")
        self.stdout.write(
            "Sign in on a host where you hold a role; make one with "
            "`kado user create EMAIL --role operator` or `--role region_admin --region CODE`."
        )
        self.stdout.write("")


def _port(addrport: str) -> int:
    _address, _sep, port = addrport.rpartition(":")
    return int(port) if port.isdigit() else 8000
