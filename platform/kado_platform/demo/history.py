"""One region's history since it joined: skills, workers, clients, orders, assignments, logs.

Why bulk writes and not the per-row services: the demo is *loading history*, not
operating. A service such as an order transition checks the current state, audits the
move and schedules side effects, one row at a time, as of today. History is already
decided: an FY2017 order was received, delivered and paid years ago, and replaying that
through today's services would stamp today's dates, write tens of thousands of audit
entries for moves nobody made and take minutes. So the rows are planned in memory,
consistent with the models' invariants (the life cycle's dates, integer yen, minutes
within a day), and written with `bulk_create` in the region's schema; the work logs,
by far the largest table, with COPY. Regions and users are different: they are made
through their services, as an operator would make them.

Everything here is drawn from one `random.Random` and one Faker seeded for the region,
in a fixed order, so the same seed gives the same region.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from faker import Faker
from psycopg import sql

from kado_platform.core.fiscal import fiscal_year_bounds, fiscal_year_of
from kado_platform.core.validators import corporate_number_is_valid
from kado_platform.demo.catalog import (
    AS_OF,
    CATEGORY_SPECS,
    CONSTRAINT_NOTES,
    FISCAL_YEAR_TARGETS,
    FISCAL_YEARS,
    LATEST_FISCAL_YEAR,
    LOCAL_COMPANY_SUFFIXES,
    PREFECTURE_OFFICES,
    SKILLS,
    URBAN_COMPANY_STEMS,
    URBAN_COMPANY_SUFFIXES,
    CategorySpec,
    RegionSpec,
)
from kado_platform.demo.money import MoneySummary
from kado_platform.demo.plan import (
    split_largest_remainder,
    wareki_fiscal_year,
)
from kado_tenants.clients.models import Client, ClientKind
from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.orders.models import Assignment, ContractType, Order, WorkLog
from kado_tenants.workforce.models import (
    AvailabilityWindow,
    ConstraintReason,
    Skill,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)

BATCH = 2000
DAILY_CAP = 480  # minutes one worker logs in a day, over all orders
# Statuses of an order that has not been cancelled, in life-cycle order.
PROGRESS = (
    OrderStatus.RECEIVED,
    OrderStatus.IN_PROGRESS,
    OrderStatus.DELIVERED,
    OrderStatus.INSPECTED,
    OrderStatus.INVOICED,
    OrderStatus.PAID,
)
DATE_OF_STATUS = {
    OrderStatus.RECEIVED: "received_on",
    OrderStatus.IN_PROGRESS: "started_on",
    OrderStatus.DELIVERED: "delivered_on",
    OrderStatus.INSPECTED: "inspected_on",
    OrderStatus.INVOICED: "invoiced_on",
    OrderStatus.PAID: "paid_on",
}
FINAL_STATUS_WEIGHTS = {
    WorkerStatus.ACTIVE: 50,
    WorkerStatus.EMPLOYED: 12,
    WorkerStatus.SOCIAL_PARTICIPATION: 6,
    WorkerStatus.RETURNED: 8,
    WorkerStatus.LEFT: 6,
    WorkerStatus.TRAINING: 10,
    WorkerStatus.APPLICANT: 8,
}
REASON_WEIGHTS = {
    ConstraintReason.CHILDCARE: 40,
    ConstraintReason.CAREGIVING: 15,
    ConstraintReason.DISABILITY: 12,
    ConstraintReason.HEALTH: 10,
    ConstraintReason.SINGLE_PARENT: 18,
    ConstraintReason.OTHER: 5,
}
# Weekly windows (minute of the day) that suit each kind of time constraint.
WINDOWS_BY_REASON = {
    "childcare": ((540, 870), (570, 900), (1260, 1380)),
    "caregiving": ((540, 720), (780, 960), (1200, 1320)),
    "disability": ((600, 900), (540, 720), (780, 1020)),
    "health": ((600, 780), (840, 1020)),
    "single_parent": ((540, 900), (510, 870)),
    "other": ((540, 1020), (780, 1080), (1140, 1320)),
    "": ((540, 1080), (600, 960)),
}


def stable_seed(*parts: object) -> int:
    """A seed from values, the same in every process (unlike hash(), which is salted)."""
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def month_end(day: datetime.date, months_later: int = 0) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 + months_later
    year, month = divmod(month_index, 12)
    return datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def weekdays_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days or [start]


def registration_number(rng: random.Random) -> str:
    """A qualified-invoice issuer number (T + 13 digits), made up but well formed."""
    return "T" + with_check_digit(f"{rng.randrange(10**12):012d}")


def with_check_digit(body12: str) -> str:
    """法人番号: the check digit first, then the 12 digits."""
    total = sum(
        int(digit) * (1 if position % 2 else 2)
        for position, digit in enumerate(reversed(body12), start=1)
    )
    number = f"{9 - total % 9}{body12}"
    assert corporate_number_is_valid(number)
    return number


@dataclass
class WorkerPlan:
    worker: Worker
    skills: tuple[str, ...]
    # Periods in which the worker takes work: (from, until or None).
    periods: list[tuple[datetime.date, datetime.date | None]]
    changes: list[tuple[str, str, datetime.date]]

    def works_on(self, day: datetime.date) -> bool:
        return any(start <= day and (end is None or day < end) for start, end in self.periods)


@dataclass
class OrderPlan:
    order: Order
    spec: CategorySpec
    planned_delivery: datetime.date
    assignments: list[tuple[int, int]] = field(default_factory=list)  # (worker index, minutes)


@dataclass
class RegionSummary:
    code: str
    name: str
    kind: str
    workers: int
    workers_by_status: dict[str, int]
    clients: int
    orders: int
    assignments: int
    work_logs: int
    totals_by_year: dict[int, int]
    seconds: float = 0.0
    money: MoneySummary = field(default_factory=MoneySummary)


class RegionHistory:
    """Plans one region's rows in memory, then writes them into the current schema."""

    def __init__(
        self,
        *,
        spec: RegionSpec,
        seed: int,
        scale: float,
        budgets: dict[int, dict[str, int]],
        approver_id: int | None,
    ):
        self.spec = spec
        self.scale = scale
        self.budgets = budgets
        self.approver_id = approver_id
        region_seed = stable_seed("kado-demo", seed, spec.code)
        self.rng = random.Random(region_seed)  # noqa: S311  (demo data, not secrets)
        self.fake = Faker("ja_JP")
        self.fake.seed_instance(region_seed)
        self.skills: dict[str, Skill] = {}
        self.workers: list[WorkerPlan] = []
        self.clients: dict[str, list[Client]] = defaultdict(list)
        self.orders: list[OrderPlan] = []
        self.load: Counter = Counter()  # (worker index, fiscal year) -> minutes
        self.daily: Counter = Counter()  # (worker index, day) -> minutes

    # ---------------------------------------------------------------- skills
    def write_skills(self) -> None:
        existing = {skill.code: skill for skill in Skill.objects.all()}
        missing = [
            Skill(code=code, name=name, name_en=name_en)
            for code, name, name_en in SKILLS
            if code not in existing
        ]
        Skill.objects.bulk_create(missing)
        self.skills = {skill.code: skill for skill in Skill.objects.all()}

    # --------------------------------------------------------------- workers
    def plan_workers(self) -> None:
        rng, fake = self.rng, self.fake
        count = max(1, round(self.spec.teleworkers * self.scale))
        skill_codes = [code for code, _name, _en in SKILLS]
        for index in range(count):
            status = rng.choices(
                list(FINAL_STATUS_WEIGHTS), weights=list(FINAL_STATUS_WEIGHTS.values())
            )[0]
            if index == 0:
                status = WorkerStatus.ACTIVE  # every region has someone to do its work
            joined = self._joined_on(status, founding=index < max(1, count // 7))
            training = joined + datetime.timedelta(days=rng.randint(7, 30))
            active = training + datetime.timedelta(days=rng.randint(20, 60))
            changes = [("", WorkerStatus.APPLICANT, joined)]
            periods: list[tuple[datetime.date, datetime.date | None]] = []
            if status != WorkerStatus.APPLICANT:
                changes.append((WorkerStatus.APPLICANT, WorkerStatus.TRAINING, training))
            if status not in (WorkerStatus.APPLICANT, WorkerStatus.TRAINING):
                changes.append((WorkerStatus.TRAINING, WorkerStatus.ACTIVE, active))
                status, periods = self._journey(status, active, changes)

            female = rng.random() < 0.8
            last, last_kana, last_roman = fake.last_name_pair()
            first, first_kana, first_roman = (
                fake.first_name_female_pair() if female else fake.first_name_male_pair()
            )
            reason = ""
            if rng.random() < 0.8:
                reason = rng.choices(list(REASON_WEIGHTS), weights=list(REASON_WEIGHTS.values()))[0]
            note = rng.choice(CONSTRAINT_NOTES[reason]) if reason and rng.random() < 0.6 else ""
            tenure_years = max(0, (AS_OF - active).days // 365) if periods else 0
            rate = min(1600, 1000 + 50 * min(8, tenure_years) + 50 * rng.randint(0, 4))
            invoice_number = ""
            if periods and rng.random() < 0.35:
                invoice_number = registration_number(rng)
            worker = Worker(
                name=f"{last} {first}",
                name_kana=f"{last_kana} {first_kana}",
                email=f"{first_roman.lower()}.{last_roman.lower()}.{index + 1}@example.com",
                phone=fake.phone_number(),
                hourly_rate=rate,
                invoice_registration_number=invoice_number,
                status=status,
                joined_on=joined,
                constraint_reason=str(reason),
                constraint_note=note,
            )
            skills = tuple(rng.sample(skill_codes, rng.randint(2, 4)))
            self.workers.append(WorkerPlan(worker, skills, periods, changes))

    def _joined_on(self, status: str, *, founding: bool) -> datetime.date:
        rng = self.rng
        if status == WorkerStatus.APPLICANT:
            return AS_OF - datetime.timedelta(days=rng.randint(0, 75))
        if status == WorkerStatus.TRAINING:
            return AS_OF - datetime.timedelta(days=rng.randint(30, 120))
        if founding:
            return self.spec.joined_on - datetime.timedelta(days=rng.randint(30, 90))
        first = fiscal_year_of(self.spec.joined_on)
        years = list(range(first, LATEST_FISCAL_YEAR + 1))
        # More people join as the work grows, but the pool grows slower than the volume.
        weights = [FISCAL_YEAR_TARGETS.get(year, 5_000_000) ** 0.3 for year in years]
        year = rng.choices(years, weights=weights)[0]
        start = max(fiscal_year_bounds(year)[0], self.spec.joined_on)
        end = min(fiscal_year_bounds(year)[1], AS_OF - datetime.timedelta(days=150))
        if end <= start:
            return start
        return start + datetime.timedelta(days=rng.randint(0, (end - start).days))

    def _journey(self, status, active, changes):
        """After training: stay, move to employment or other social participation
        (第2チャレンジ), come back (safety net), or leave KADO (退会)."""
        rng = self.rng
        latest = AS_OF - datetime.timedelta(days=30)
        if status == WorkerStatus.RETURNED and (latest - active).days > 400:
            span = (latest - active).days
            # Most come back from a job; some from volunteering, a community role or school.
            outcome = (
                WorkerStatus.SOCIAL_PARTICIPATION if rng.random() < 0.3 else WorkerStatus.EMPLOYED
            )
            moved = active + datetime.timedelta(days=rng.randint(180, span - 200))
            returned = moved + datetime.timedelta(
                days=rng.randint(150, min(900, (latest - moved).days))
            )
            changes.append((WorkerStatus.ACTIVE, outcome, moved))
            changes.append((outcome, WorkerStatus.RETURNED, returned))
            return status, [(active, moved), (returned, None)]
        if (latest - active).days > 200:
            outcome = {
                WorkerStatus.EMPLOYED: WorkerStatus.EMPLOYED,
                WorkerStatus.RETURNED: WorkerStatus.EMPLOYED,
                WorkerStatus.SOCIAL_PARTICIPATION: WorkerStatus.SOCIAL_PARTICIPATION,
                WorkerStatus.LEFT: WorkerStatus.LEFT,
            }.get(status)
            if outcome:
                moved = active + datetime.timedelta(days=rng.randint(180, (latest - active).days))
                changes.append((WorkerStatus.ACTIVE, outcome, moved))
                return outcome, [(active, moved)]
        return WorkerStatus.ACTIVE, [(active, None)]

    # --------------------------------------------------------------- clients
    def plan_clients(self) -> list[Client]:
        rng, fake, spec = self.rng, self.fake, self.spec
        size = spec.teleworkers * self.scale
        urban = max(1, min(8, round(1 + size / 25)))
        local = max(1, min(8, round(1 + size / 25)))
        clients: list[Client] = []
        for stem, stem_kana in rng.sample(URBAN_COMPANY_STEMS, urban):
            suffix, suffix_kana = rng.choice(URBAN_COMPANY_SUFFIXES)
            clients.append(
                self._company(f"株式会社{stem}{suffix}", f"{stem_kana}{suffix_kana}", "urban")
            )
        used = set()
        while len(used) < local:
            last, last_kana, _roman = fake.last_name_pair()
            suffix, suffix_kana = rng.choice(LOCAL_COMPANY_SUFFIXES)
            if (last, suffix) in used:
                continue
            used.add((last, suffix))
            kind = rng.choice(("株式会社", "有限会社"))
            clients.append(self._company(f"{kind}{last}{suffix}", f"{last_kana}{suffix_kana}", ""))
        municipalities = [*spec.municipalities, PREFECTURE_OFFICES[spec.prefecture]]
        for name, kana, code in municipalities:
            contact, _contact_kana = self._person()
            clients.append(
                Client(
                    name=name,
                    name_kana=kana,
                    kind=ClientKind.MUNICIPALITY,
                    # A local government's 法人番号 is its 団体コード behind 000020.
                    corporate_number=with_check_digit(f"000020{code}"),
                    contact_name=contact,
                    phone=fake.phone_number(),
                )
            )
        for client in clients:
            self.clients[client.kind].append(client)
        return clients

    def _company(self, name: str, kana: str, urban: str) -> Client:
        contact, _kana = self._person()
        return Client(
            name=name,
            name_kana=kana,
            kind=ClientKind.URBAN_COMPANY if urban else ClientKind.LOCAL_COMPANY,
            corporate_number=with_check_digit(f"{self.rng.randrange(10**12):012d}"),
            contact_name=contact,
            email=f"contact{self.rng.randint(100, 999)}@example.com",
            phone=self.fake.phone_number(),
        )

    def _person(self) -> tuple[str, str]:
        last, last_kana, _ = self.fake.last_name_pair()
        first, first_kana, _ = self.fake.first_name_pair()
        return f"{last} {first}", f"{last_kana} {first_kana}"

    # ---------------------------------------------------------------- orders
    def plan_orders(self, fiscal_year: int) -> None:
        """Orders of one fiscal year whose amounts add up to the year's budget."""
        rng = self.rng
        planned: list[OrderPlan] = []
        for category, budget in self.budgets.get(fiscal_year, {}).items():
            if budget < 10_000:
                continue
            spec = CATEGORY_SPECS[category]
            typical = math.sqrt(spec.order_size[0] * spec.order_size[1])
            count = max(1, round(budget / typical))
            parts = split_largest_remainder(
                budget, {str(i): rng.uniform(0.4, 1.6) for i in range(count)}
            )
            for part in parts.values():
                planned.append(self._order(spec, fiscal_year, part))
        if fiscal_year == LATEST_FISCAL_YEAR and planned:
            self._ensure_every_status(planned)
            for _ in range(max(1, round(len(planned) * 0.03))):
                spec = CATEGORY_SPECS[rng.choice(planned).spec.category]
                planned.append(self._order(spec, fiscal_year, None, cancelled=True))
        planned.sort(key=lambda plan: (plan.order.received_on, plan.order.category))
        for number, plan in enumerate(planned, start=1):
            plan.order.reference = f"{self.spec.abbreviation}-{fiscal_year}-{number:04d}"
        self.orders.extend(planned)

    def _order(
        self, spec: CategorySpec, fiscal_year: int, target: int | None, *, cancelled=False
    ) -> OrderPlan:
        rng = self.rng
        if target is None:
            target = round(rng.uniform(*spec.order_size) * min(1.0, 0.2 + self.scale))
        client = self._client_for(spec)
        received = self._received_on(spec, fiscal_year)
        low, high = spec.unit_price
        if spec.per_deliverable:
            price = rng.randrange(low, high + 1, 500 if low >= 1000 else 1)
            quantity = max(1, round(target / price))
            amount = price * quantity
            minutes = max(30, amount * 60 // rng.randrange(2000, 2801, 100))
            contract = ContractType.PER_DELIVERABLE
        else:
            price = rng.randrange(low, high + 1, 50)
            quantity = 1
            minutes = max(30, round(target * 60 / price / 30) * 30)
            amount = price * minutes // 60
            contract = ContractType.HOURLY
        duration = rng.randint(*spec.duration_days)
        due = received + datetime.timedelta(days=duration)
        started = received + datetime.timedelta(days=rng.randint(1, 7))
        delivered = max(started, due - datetime.timedelta(days=rng.randint(0, 5)))
        inspected = delivered + datetime.timedelta(days=rng.randint(1, 10))
        # 月末締め翌月末払い: the month's work is invoiced early next month, paid at its end.
        invoiced = month_end(inspected) + datetime.timedelta(days=rng.randint(1, 7))
        paid = month_end(invoiced)
        dates = {
            "started_on": started,
            "delivered_on": delivered,
            "inspected_on": inspected,
            "invoiced_on": invoiced,
            "paid_on": paid,
        }
        status = OrderStatus.RECEIVED
        for candidate in PROGRESS[1:]:
            if dates[DATE_OF_STATUS[candidate]] <= AS_OF:
                status = candidate
        stamped = {
            name: day
            for name, day in dates.items()
            if PROGRESS.index(status) >= PROGRESS.index(_status_of_field(name))
        }
        title = rng.choice(spec.titles).format(n=rng.randint(1, 5))
        order = Order(
            client=client,
            title=f"{wareki_fiscal_year(fiscal_year)} {title}",
            category=spec.category,
            contract_type=contract,
            unit_price=price,
            quantity=quantity,
            estimated_minutes=minutes,
            amount=amount,
            received_on=received,
            due_on=due,
            status=status,
            **stamped,
        )
        if cancelled:
            self._cancel(order)
        return OrderPlan(order=order, spec=spec, planned_delivery=delivered)

    def _cancel(self, order: Order) -> None:
        rng = self.rng
        for name in ("delivered_on", "inspected_on", "invoiced_on", "paid_on"):
            setattr(order, name, None)
        if rng.random() < 0.5:
            order.started_on = None
            order.cancelled_on = order.received_on + datetime.timedelta(days=rng.randint(1, 10))
        else:
            order.started_on = order.received_on + datetime.timedelta(days=rng.randint(1, 7))
            order.cancelled_on = order.started_on + datetime.timedelta(days=rng.randint(5, 30))
        order.cancelled_on = min(order.cancelled_on, AS_OF)
        if order.started_on and order.started_on > order.cancelled_on:
            order.started_on = None
        order.status = OrderStatus.CANCELLED

    def _ensure_every_status(self, planned: list[OrderPlan]) -> None:
        """The latest year shows every step of the life cycle, even in a small region.

        A missing status is taken by the most recently received order that is further
        along (and not the only one at its status), by rolling it back to that step.
        """
        if len(planned) < len(PROGRESS):
            return
        for status in PROGRESS:
            counts = Counter(plan.order.status for plan in planned)
            if counts[status]:
                continue
            candidates = [
                plan
                for plan in planned
                if PROGRESS.index(plan.order.status) > PROGRESS.index(status)
                and counts[plan.order.status] > 1
            ]
            if not candidates:
                continue
            order = max(candidates, key=lambda plan: (plan.order.received_on, plan.order.amount))
            order = order.order
            for later in PROGRESS[PROGRESS.index(status) + 1 :]:
                setattr(order, DATE_OF_STATUS[later], None)
            order.status = status

    def _client_for(self, spec: CategorySpec) -> Client:
        rng = self.rng
        kinds = [kind for kind in spec.client_kinds if self.clients.get(kind)]
        if not kinds:
            kinds = [kind for kind in self.clients if self.clients[kind]]
        kind = kinds[0] if len(kinds) == 1 or rng.random() < 0.75 else rng.choice(kinds[1:])
        return rng.choice(self.clients[kind])

    def _received_on(self, spec: CategorySpec, fiscal_year: int) -> datetime.date:
        start = max(fiscal_year_bounds(fiscal_year)[0], self.spec.joined_on)
        if spec.earliest:
            start = max(start, datetime.date(spec.earliest[0], spec.earliest[1], 1))
        end = min(fiscal_year_bounds(fiscal_year)[1], AS_OF)
        if end < start:  # work that had not begun by year-end: booked on the last day
            return end
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    # ---------------------------------------------------- assignments and logs
    def plan_work(self) -> list[list[tuple[datetime.date, int]]]:
        """Who worked on each started order and for how many minutes on which days.

        Logged minutes match the estimate for delivered work (±5%), and the share of
        the working days gone by for work still in progress or cancelled on the way.
        Nobody logs more than DAILY_CAP minutes a day over all orders; when the people
        working then have no free time left, the log falls short of the estimate.
        """
        rng = self.rng
        logs_per_assignment: list[list[tuple[datetime.date, int]]] = []
        for plan in self.orders:
            order = plan.order
            if order.started_on is None:
                continue
            if order.status == OrderStatus.CANCELLED:
                end = order.cancelled_on
            elif order.delivered_on is not None:
                end = order.delivered_on
            else:
                end = AS_OF
            days = weekdays_between(order.started_on, end)
            if order.delivered_on is not None:
                total = round(order.estimated_minutes * rng.uniform(0.95, 1.05))
            else:
                planned_days = weekdays_between(order.started_on, plan.planned_delivery)
                share = min(1.0, len(days) / len(planned_days))
                if order.status == OrderStatus.CANCELLED:
                    share *= 0.5
                total = round(order.estimated_minutes * share)
            if total < 15:
                continue
            pace = rng.uniform(150, 300)  # minutes a day one worker gives the order
            count = max(1, math.ceil(total / (len(days) * pace)))
            fiscal_year = fiscal_year_of(order.received_on)
            left = total
            # The first `count` candidates share the work; when one runs out of free
            # time in the window, the next candidate takes what is left.
            for position, worker_index in enumerate(self._candidates(plan)):
                if left < 15 or position >= count + 10:
                    break
                share = left if position >= count - 1 else round(left / (count - position))
                logs = self._fill(worker_index, days, share, pace)
                if not logs:
                    continue
                minutes = sum(day_minutes for _day, day_minutes in logs)
                left -= minutes
                plan.assignments.append((worker_index, minutes))
                logs_per_assignment.append(logs)
                self.load[(worker_index, fiscal_year)] += minutes
        return logs_per_assignment

    def _fill(self, worker_index: int, days, target: int, pace: float):
        """Up to `target` minutes on days of the window, within the worker's free time."""
        rng = self.rng
        per_day = max(pace, target / len(days))
        logs = []
        left = target
        for day in rng.sample(days, len(days)):
            if left < 15:
                break
            free = DAILY_CAP - self.daily[(worker_index, day)]
            chunk = min(left, free, per_day * rng.uniform(0.7, 1.3)) // 15 * 15
            if chunk < 15:
                continue
            chunk = int(chunk)
            logs.append((day, chunk))
            self.daily[(worker_index, day)] += chunk
            left -= chunk
        return logs

    def _candidates(self, plan: OrderPlan) -> list[int]:
        """Workers who work on the start day, those with the skill first, least loaded first."""
        day = plan.order.started_on
        fiscal_year = fiscal_year_of(plan.order.received_on)
        working = [i for i, worker in enumerate(self.workers) if worker.works_on(day)]
        if not working:  # before anyone finished training: the earliest who ever worked
            ever = [i for i, worker in enumerate(self.workers) if worker.periods]
            working = sorted(ever, key=lambda i: self.workers[i].periods[0][0])[:3]
        wanted = set(plan.spec.skills)
        return sorted(
            working,
            key=lambda i: (
                not (wanted & set(self.workers[i].skills)),
                self.load[(i, fiscal_year)] + self.rng.uniform(0, 2400),
            ),
        )

    # ----------------------------------------------------------------- write
    def write(self, logs_per_assignment) -> RegionSummary:
        """Write every planned row into the current schema, in bulk."""
        rng = self.rng
        workers = Worker.objects.bulk_create(
            [plan.worker for plan in self.workers], batch_size=BATCH
        )
        through = Worker.skills.through
        through.objects.bulk_create(
            [
                through(worker_id=worker.pk, skill_id=self.skills[code].pk)
                for worker, plan in zip(workers, self.workers, strict=True)
                for code in plan.skills
            ],
            batch_size=BATCH,
        )
        WorkerStatusChange.objects.bulk_create(
            [
                WorkerStatusChange(
                    worker=worker, from_status=before, to_status=after, changed_on=day
                )
                for worker, plan in zip(workers, self.workers, strict=True)
                for before, after, day in plan.changes
            ],
            batch_size=BATCH,
        )
        windows = []
        for worker in workers:
            if worker.status == WorkerStatus.APPLICANT:
                continue
            choices = WINDOWS_BY_REASON[worker.constraint_reason]
            weekdays = sorted(rng.sample(range(5), rng.randint(2, 5)))
            if rng.random() < 0.1:
                weekdays.append(5)
            spans = [rng.choice(choices)]
            if rng.random() < 0.2:
                later = rng.choice(choices)
                if later[0] >= spans[0][1]:
                    spans.append(later)  # a second window later in the day
            for weekday in weekdays:
                for start, end in spans:
                    windows.append(
                        AvailabilityWindow(
                            worker=worker, weekday=weekday, start_minute=start, end_minute=end
                        )
                    )
        AvailabilityWindow.objects.bulk_create(windows, batch_size=BATCH)

        clients = [client for kind in self.clients.values() for client in kind]
        Client.objects.bulk_create(clients, batch_size=BATCH)
        for plan in self.orders:
            plan.order.client_id = plan.order.client.pk
        orders = Order.objects.bulk_create([plan.order for plan in self.orders], batch_size=BATCH)

        assignments = [
            Assignment(
                order=order,
                worker=workers[worker_index],
                assigned_on=order.started_on,
            )
            for order, plan in zip(orders, self.orders, strict=True)
            for worker_index, _minutes in plan.assignments
        ]
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        # Before the logs: the index triggers that the backdating fires then find no logs
        # to add up, and the COPY recomputes each order once.
        self._backdate()
        log_count = self._copy_work_logs(assignments, logs_per_assignment)
        return self.summary(work_logs=log_count, assignments=len(assignments))

    def _copy_work_logs(self, assignments, logs_per_assignment) -> int:
        """Work logs, the one table of a hundred thousand rows and more, go in by COPY.

        Building a model instance per log would cost more than the rest of the demo
        together; COPY takes lines of text. The values keep the model's own rules:
        minutes between 1 and DAILY_CAP (within MINUTES_PER_DAY), one log per assignment
        and day, approval after the work. Times are written in JST with their offset.
        The federation's statement-level index triggers fire once for the whole COPY.
        """
        rng = self.rng
        week = datetime.timedelta(days=7)
        null = "\\N"  # COPY's text format for NULL
        approver = null if self.approver_id is None else str(self.approver_id)
        columns = ("assignment_id", "work_date", "minutes", "note", "approved_at",
                   "approved_by_id", "created_at")  # fmt: skip
        lines = []
        for assignment, logs in zip(assignments, logs_per_assignment, strict=True):
            in_progress = assignment.order.status == OrderStatus.IN_PROGRESS
            for day, minutes in logs:
                approved_on = day + datetime.timedelta(days=rng.randint(1, 3))
                approved = approved_on <= AS_OF and not (in_progress and approved_on > AS_OF - week)
                approved_at = f"{approved_on} 18:00:00+09" if approved else null
                approved_by = approver if approved else null
                lines.append(
                    f"{assignment.pk}\t{day}\t{minutes}\t\t{approved_at}\t"
                    f"{approved_by}\t{day} 18:00:00+09\n"
                )
        statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
            table=sql.Identifier(WorkLog._meta.db_table),
            columns=sql.SQL(", ").join(sql.Identifier(name) for name in columns),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for start in range(0, len(lines), 10_000):
                copy.write("".join(lines[start : start + 10_000]))
        return len(lines)

    def _backdate(self) -> None:
        """Rows say when they happened: created_at follows the history, not the load time."""
        statements = (
            (Worker, "joined_on"),
            (Client, None),
            (Order, "received_on"),
            (Assignment, "assigned_on"),
        )
        with connection.cursor() as cursor:
            for model, column in statements:
                if column is None:
                    cursor.execute(
                        sql.SQL(
                            "UPDATE {table} AS c SET created_at = sub.first AT TIME ZONE "
                            "'Asia/Tokyo' FROM (SELECT client_id, MIN(received_on) - 14 "
                            "+ time '10:00' AS first FROM {orders} GROUP BY client_id) AS sub "
                            "WHERE sub.client_id = c.id"
                        ).format(
                            table=sql.Identifier(model._meta.db_table),
                            orders=sql.Identifier(Order._meta.db_table),
                        )
                    )
                    continue
                extra = sql.SQL("")
                if model is Order:
                    extra = sql.SQL(
                        ", updated_at = (GREATEST(received_on, started_on, delivered_on, "
                        "inspected_on, invoiced_on, paid_on, cancelled_on) + time '17:00') "
                        "AT TIME ZONE 'Asia/Tokyo'"
                    )
                cursor.execute(
                    sql.SQL(
                        "UPDATE {table} SET created_at = ({column} + time '09:00') "
                        "AT TIME ZONE 'Asia/Tokyo'{extra}"
                    ).format(
                        table=sql.Identifier(model._meta.db_table),
                        column=sql.Identifier(column),
                        extra=extra,
                    )
                )

    def summary(self, *, work_logs: int, assignments: int) -> RegionSummary:
        totals = dict.fromkeys(FISCAL_YEARS, 0)
        for plan in self.orders:
            if plan.order.status != OrderStatus.CANCELLED:
                totals[fiscal_year_of(plan.order.received_on)] += plan.order.amount
        statuses = Counter(plan.worker.status for plan in self.workers)
        return RegionSummary(
            code=self.spec.code,
            name=self.spec.name,
            kind=str(self.spec.kind),
            workers=len(self.workers),
            workers_by_status={str(key): value for key, value in statuses.items()},
            clients=sum(len(kind) for kind in self.clients.values()),
            orders=len(self.orders),
            assignments=assignments,
            work_logs=work_logs,
            totals_by_year=totals,
        )


def _status_of_field(name: str) -> str:
    return next(status for status, field_name in DATE_OF_STATUS.items() if field_name == name)
