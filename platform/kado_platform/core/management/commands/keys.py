"""`kado keys generate` prints a new field-encryption key; `kado keys reencrypt` rewrites
every encrypted value under the newest key (the first in the list), region by region."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, schema_context
from tqdm import tqdm

from kado_platform.core.errors import DomainError
from kado_platform.core.keys import count_rows, generate_key, models_for, reencrypt_schema
from kado_platform.regions.selectors import region_get, region_list


class Command(BaseCommand):
    help = "Field-encryption keys: generate a new one, or re-encrypt after a rotation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("generate", help="Print a new key (put it FIRST in the list).")
        reencrypt = actions.add_parser(
            "reencrypt", help="Re-encrypt every encrypted value under the newest key."
        )
        reencrypt.add_argument("--region", help="Only this region code (default: every one).")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(generate_key())
            return
        code = options.get("region")
        try:
            regions = [region_get(code=code)] if code else list(region_list())
        except DomainError as error:
            raise CommandError(str(error)) from error
        targets = [(region.schema_name, True) for region in regions]
        if not code and models_for(region=False):
            targets.append((get_public_schema_name(), False))
        totals = []
        for schema, is_region in targets:
            with schema_context(schema):
                totals.append(count_rows(models_for(region=is_region)))
        progress = tqdm(
            total=sum(totals), desc="reencrypt", unit="row",
            disable=options["verbosity"] < 1, file=self.stderr,
        )  # fmt: skip
        changed_total = 0
        for schema, is_region in targets:
            changed = reencrypt_schema(schema, region=is_region, on_rows=progress.update)
            changed_total += sum(changed.values())
            if options["verbosity"] >= 2:
                progress.write(f"{schema}: {changed}", file=self.stderr)
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(targets)} スキーマで {changed_total} 件を再暗号化しました / "
                f"Re-encrypted {changed_total} values in {len(targets)} schemas."
            )
        )
