"""`kado db url|stop`: the development database (see kado_platform.embedded_db)."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from kado_platform import embedded_db


class Command(BaseCommand):
    help = "Print the database URL, or stop the embedded PostgreSQL server."
    requires_system_checks = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", metavar="{url,stop}")
        commands.required = True
        commands.add_parser("url", help="Print the connection URL (for psql, DATABASE_URL).")
        commands.add_parser("stop", help="Stop the embedded PostgreSQL server.")

    def handle(self, *args, **options):
        configured = os.environ.get("DATABASE_URL", "")
        if options["action"] == "url":
            self.stdout.write(configured or embedded_db.database_url())
            return
        embedded_db.stop()
        self.stdout.write(
            self.style.SUCCESS(f"Stopped the embedded PostgreSQL in {embedded_db.data_dir()}.")
        )
        if configured:
            self.stdout.write("DATABASE_URL is set, so that server was not touched.")
