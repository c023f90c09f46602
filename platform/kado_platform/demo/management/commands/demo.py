"""`kado demo`: build the demo federation (development only)."""

import sys
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kado_platform.demo.builder import (
    DEFAULT_SEED,
    DemoBuilder,
    DemoError,
    DemoResult,
    federation_is_empty,
    hub_url,
)
from kado_platform.demo.catalog import FISCAL_YEARS


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


def _million(yen: int) -> str:
    return f"{yen / 1_000_000:.1f}"


class Command(BaseCommand):
    help = (
        "デモ用の広域連携 (12地域、テレワーカー、クライアント、FY2015〜FY2023 の受注と稼働記録) "
        "を作ります。DEBUG=1 のときだけ動きます。 / Builds the demo federation (DEBUG only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="乱数の種 (same seed, same data)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="地域が一つでもあれば何もしない (do nothing if any region exists)",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="テレワーカーと受注の割合 0〜1 (fraction of workers and orders, for quick runs)",
        )
        parser.add_argument(
            "--regions",
            default="",
            help="作る地域コードをカンマ区切りで (only these regions, e.g. shiojiri,omachi)",
        )

    def handle(self, *args, seed, if_empty, scale, regions, **options):
        if not settings.DEBUG:
            raise CommandError(
                "kado demo は開発用です。DEBUG=1 のときだけ実行できます "
                "(refusing to build demo data: DEBUG is off)."
            )
        if if_empty and not federation_is_empty():
            self.stdout.write(
                "地域が既にあるため、デモデータは作りません (regions exist; demo skipped)."
            )
            return
        codes = [code for code in regions.split(",") if code.strip()] or None
        self.stdout.write(
            f"デモ連携を作成します (building the demo federation): seed={seed}, scale={scale}"
        )
        try:
            builder = DemoBuilder(
                seed=seed,
                scale=scale,
                codes=codes,
                progress=self._progress,
                log=lambda line: self.stdout.write(line),
            )
            result = builder.build()
        except DemoError as error:
            raise CommandError(str(error)) from error
        self._report(result)

    def _progress(self, *, desc: str, total: int):
        # To the terminal only; off when stderr is not one (CI, tests, pipes).
        return tqdm(desc=desc, total=total, file=sys.stderr, leave=False, disable=None)

    def _report(self, result: DemoResult) -> None:
        write = self.stdout.write
        write("")
        write(f"年度別受注額 (FY totals, 百万円 / million JPY), {result.seconds:.1f}s")
        head = _left("地域 region", 26) + _right("人", 5) + _right("件", 6)
        head += "".join(_right(f"FY{str(year)[2:]}", 7) for year in FISCAL_YEARS)
        write(head)
        write("-" * _width(head))
        for region in result.regions:
            line = _left(f"{region.name} {region.code}", 26)
            line += _right(str(region.workers), 5) + _right(str(region.orders), 6)
            line += "".join(_right(_million(region.totals_by_year[y]), 7) for y in FISCAL_YEARS)
            write(line)
        write("-" * _width(head))
        totals = result.totals_by_year
        line = _left("合計 total", 26)
        line += _right(str(sum(r.workers for r in result.regions)), 5)
        line += _right(str(sum(r.orders for r in result.regions)), 6)
        line += "".join(_right(_million(totals[y]), 7) for y in FISCAL_YEARS)
        write(line)
        write("")
        write(f"連携本部 (hub): {hub_url()}")
        for region in result.regions:
            write(f"  {_left(region.name, 10)} http://{region.code}.{settings.BASE_DOMAIN}:8000/")
        write("")
        write(f"デモ用ログイン (demo logins), パスワード / password: {result.password}")
        for login in result.logins:
            where = login.region or "federation"
            write(f"  {_left(login.role, 13)} {_left(where, 12)} {login.email}")
        self.stdout.write(self.style.SUCCESS("デモ連携ができました (demo federation ready)."))
