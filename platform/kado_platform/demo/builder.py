"""Builds the demo federation: the twelve regions of DOMAIN.md, their people and history.

Regions and users are made through their services (`region_create` clones the template
schema and makes the region admin; `user_create`, `membership_grant`), as an operator
would make them. Each region's history is then planned and bulk-written by
`kado_platform.demo.history` (its docstring says why). The whole build is one
transaction: it appears complete or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from kado_platform.accounts.models import User
from kado_platform.accounts.roles import Role
from kado_platform.accounts.selectors import user_by_email
from kado_platform.accounts.services import membership_grant, user_create
from kado_platform.core.validators import municipality_code_is_valid
from kado_platform.demo.catalog import (
    DEMO_MAIL_DOMAIN,
    DEMO_PASSWORD,
    FISCAL_YEARS,
    REGIONS,
    REGIONS_BY_CODE,
    RegionSpec,
)
from kado_platform.demo.federated import write_federated_orders
from kado_platform.demo.history import RegionHistory, RegionSummary
from kado_platform.demo.money import write_money
from kado_platform.demo.plan import plan_yearly_amounts
from kado_platform.regions.models import Region
from kado_platform.regions.services import (
    federation_ensure,
    region_create,
    region_template_ensure,
)

DEFAULT_SEED = 2010  # the year KADO began


class DemoError(Exception):
    """The demo cannot be built as asked (a region exists, an unknown code, ...)."""


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    region: str  # region code, "" for the federation
    url: str


@dataclass
class DemoResult:
    seed: int
    scale: float
    regions: list[RegionSummary] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0
    password: str = DEMO_PASSWORD
    federated_orders: int = 0

    @property
    def totals_by_year(self) -> dict[int, int]:
        totals = dict.fromkeys(FISCAL_YEARS, 0)
        for region in self.regions:
            for year, amount in region.totals_by_year.items():
                totals[year] += amount
        return totals


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(*, desc: str, total: int) -> _NoProgress:
    return _NoProgress()


def hub_url() -> str:
    return f"http://{settings.BASE_DOMAIN}:8000/"


def region_url(code: str) -> str:
    return f"http://{code}.{settings.BASE_DOMAIN}:8000/"


def demo_email(local: str, code: str = "") -> str:
    return f"{local}@{code}.{DEMO_MAIL_DOMAIN}" if code else f"{local}@{DEMO_MAIL_DOMAIN}"


def demo_regions(codes: Iterable[str] | None = None) -> list[RegionSpec]:
    """The catalog's regions, or the named ones in catalog order; unknown codes refused."""
    if codes is None:
        return list(REGIONS)
    wanted = {code.strip() for code in codes if code.strip()}
    unknown = sorted(wanted - set(REGIONS_BY_CODE))
    if unknown:
        raise DemoError(
            f"デモにない地域コードです (unknown demo region): {', '.join(unknown)}. "
            f"使えるコード: {', '.join(REGIONS_BY_CODE)}"
        )
    return [spec for spec in REGIONS if spec.code in wanted]


def federation_is_empty() -> bool:
    return not Region.objects.regions().exists()


class DemoBuilder:
    def __init__(
        self,
        *,
        seed: int = DEFAULT_SEED,
        scale: float = 1.0,
        codes: Iterable[str] | None = None,
        progress: Callable[..., object] = _no_progress,
        log: Callable[[str], None] = lambda line: None,
    ):
        if not 0 < scale <= 1.0:
            raise DemoError("--scale は 0 より大きく 1 以下です (scale must be in (0, 1]).")
        self.seed = seed
        self.scale = scale
        self.regions = demo_regions(codes)
        self.progress = progress
        self.log = log
        self._approvers: dict[str, int] = {}

    def build(self) -> DemoResult:
        started = time.monotonic()
        self._check()
        result = DemoResult(seed=self.seed, scale=self.scale)
        plan = plan_yearly_amounts(scale=self.scale, regions=self.regions)
        with transaction.atomic():
            if not schema_exists(settings.TENANT_BASE_SCHEMA):
                region_template_ensure()
            federation_ensure()
            hub_users = {}
            for local, role in (
                ("operator", Role.OPERATOR),
                ("leader", Role.LEADER),
                ("coordinator", Role.COORDINATOR),
            ):
                user = self._user(demo_email(local), name=f"デモ {role.label}")
                membership_grant(user=user, role=role)
                hub_users[role] = user
                result.logins.append(DemoLogin(user.email, str(role), "", hub_url()))
            for spec in self.regions:
                summary = self._region(spec, plan[spec.code], result)
                result.regions.append(summary)
            by_code = {region.code: region for region in Region.objects.all()}
            result.federated_orders = write_federated_orders(
                [by_code[spec.code] for spec in self.regions],
                coordinator=hub_users[Role.COORDINATOR],
                admin=user_by_email(demo_email("admin", self.regions[0].code)),
            )
            connection.set_schema_to_public()
            self.log(f"✓ 広域案件 {result.federated_orders}件 (wide-area orders)")
            # One hash for every demo login: hashing 27 times would cost seconds.
            emails = [login.email for login in result.logins]
            User.objects.filter(email__in=emails).update(password=make_password(DEMO_PASSWORD))
        connection.set_schema_to_public()
        result.seconds = time.monotonic() - started
        return result

    def _check(self) -> None:
        for spec in self.regions:
            if spec.municipality_code and not municipality_code_is_valid(spec.municipality_code):
                raise DemoError(
                    f"{spec.code}: 団体コードの検査数字が違います "
                    f"(bad check digit: {spec.municipality_code})"
                )
        codes = [spec.code for spec in self.regions]
        taken = sorted(
            set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
            | {code for code in codes if schema_exists(code)}
        )
        if taken:
            raise DemoError(
                f"デモの地域が既にあります (demo regions already exist): {', '.join(taken)}. "
                "データベースを作り直すか --if-empty を使ってください "
                "(reset the database, or use --if-empty)."
            )

    def _user(self, email: str, *, name: str) -> User:
        existing = user_by_email(email)
        if existing is not None:
            return existing
        # No password here: every demo login gets the same hash at the end of the build.
        return user_create(email=email, password=None, name=name)

    def _region(self, spec: RegionSpec, budgets, result: DemoResult) -> RegionSummary:
        started = time.monotonic()
        bar = self.progress(desc=f"{spec.name} {spec.code}", total=6 + len(FISCAL_YEARS))
        try:
            bar.set_postfix_str("地域・スキーマ作成 schema")
            admin_email = demo_email("admin", spec.code)
            region = region_create(
                code=spec.code,
                name=spec.name,
                name_en=spec.name_en,
                municipality_code=spec.municipality_code,
                prefecture=spec.prefecture,
                kind=spec.kind,
                joined_on=spec.joined_on,
                admin_email=admin_email,
                admin_password=None,
                admin_name=f"{spec.name} 管理者",
            )
            admin = user_by_email(admin_email)
            staff = self._user(demo_email("staff", spec.code), name=f"{spec.name} 職員")
            membership_grant(user=staff, role=Role.REGION_STAFF, region=region)
            url = region_url(spec.code)
            result.logins.append(DemoLogin(admin.email, str(Role.REGION_ADMIN), spec.code, url))
            result.logins.append(DemoLogin(staff.email, str(Role.REGION_STAFF), spec.code, url))
            bar.update()

            history = RegionHistory(
                spec=spec,
                seed=self.seed,
                scale=self.scale,
                budgets=budgets,
                approver_id=admin.pk,
            )
            with schema_context(region.schema_name):
                history.write_skills()
                bar.set_postfix_str("テレワーカー workers")
                history.plan_workers()
                bar.update()
                bar.set_postfix_str("クライアント clients")
                history.plan_clients()
                bar.update()
                for fiscal_year in FISCAL_YEARS:
                    bar.set_postfix_str(f"受注 FY{fiscal_year}")
                    history.plan_orders(fiscal_year)
                    bar.update()
                bar.set_postfix_str("稼働記録 work logs")
                logs = history.plan_work()
                bar.update()
                bar.set_postfix_str("保存 writing")
                summary = history.write(logs)
                bar.update()
                bar.set_postfix_str("請求・支払 money")
                summary.money = write_money(spec, admin=admin, seed=self.seed)
                bar.update()
            connection.set_schema_to_public()
        finally:
            bar.close()
        summary.seconds = time.monotonic() - started
        self.log(
            f"✓ {spec.name} ({spec.code}): テレワーカー {summary.workers}人, "
            f"受注 {summary.orders}件, 稼働記録 {summary.work_logs}件, "
            f"支払明細 {summary.money.statements}件 "
            f"[{summary.seconds:.1f}s]"
        )
        return summary


def demo_build(**options) -> DemoResult:
    return DemoBuilder(**options).build()
