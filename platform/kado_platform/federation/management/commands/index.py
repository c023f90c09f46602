from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kado_platform.core.errors import DomainError
from kado_platform.federation.index import index_differences, index_rebuild
from kado_platform.regions.selectors import region_get, region_list


class Command(BaseCommand):
    help = "Rebuild or check the federation's read model (orders, workers, work minutes)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--region", help="Only this region code.")

    def handle(self, *args, action, region=None, **options):
        try:
            regions = [region_get(code=region)] if region else list(region_list())
        except DomainError as error:
            raise CommandError(str(error)) from error
        quiet = options["verbosity"] < 1
        progress = tqdm(regions, desc=action, unit="region", disable=quiet, file=self.stderr)
        if action == "rebuild":
            for item in progress:
                counts = index_rebuild(region=item)
                if not quiet:
                    progress.write(f"{item.code}: {counts}", file=self.stderr)
            self.stdout.write(
                self.style.SUCCESS(f"再構築しました / Rebuilt {len(regions)} regions.")
            )
            return
        differences = [d for item in progress for d in index_differences(item)]
        for difference in differences:
            self.stdout.write(difference.describe())
        if differences:
            raise CommandError(
                f"索引と地域のデータが {len(differences)} 件食い違っています / "
                f"{len(differences)} index rows differ from the regions."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"索引は {len(regions)} 地域と一致しています / The index agrees with {len(regions)} regions."
            )
        )
