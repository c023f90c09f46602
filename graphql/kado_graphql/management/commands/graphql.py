"""`kado graphql schema [--check]`: export the GraphQL schemas as SDL, or check them."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kado_graphql.core import sdl


class Command(BaseCommand):
    help = "GraphQL tools. `schema` writes graphql/schema.{hub,region}.graphql from the code."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        schema = actions.add_parser(
            "schema",
            help="Write the SDL of the hub and region schemas (or check them with --check).",
        )
        schema.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero if the files differ from the code.",
        )
        schema.add_argument(
            "--dir",
            type=Path,
            default=sdl.DEFAULT_DIR,
            help="Where the .graphql files are (default: the repository's graphql/).",
        )

    def handle(self, *args, action, check=False, dir=None, **options):  # noqa: A002
        directory = Path(dir or sdl.DEFAULT_DIR)
        if check:
            stale = sdl.differences(directory)
            if stale:
                raise CommandError(
                    f"The GraphQL schema changed but {', '.join(stale)} did not: "
                    "run `kado graphql schema` and commit the result."
                )
            self.stdout.write("The GraphQL schema files match the code.")
            return
        for path in sdl.write(directory):
            self.stdout.write(f"Wrote {path}")
