"""Workers and skills: creation, updates, the policy journey and weekly availability."""

import datetime

import pytest
from django.db import connection

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_platform.core.fields import cipher
from kado_tenants.workforce.models import AvailabilityWindow, Worker, WorkerStatus
from kado_tenants.workforce.selectors import (
    availability_for,
    status_change_list,
    worker_get,
    worker_list,
    worker_status_counts,
)
from kado_tenants.workforce.services import (
    WORKER_TRANSITIONS,
    availability_set,
    check_date,
    check_whole_number,
    skill_create,
    worker_change_status,
    worker_create,
    worker_update,
)

CORPORATE_NUMBER = "7000012050002"  # 法人番号 with a valid check digit
APRIL_1 = datetime.date(2023, 4, 1)


def _worker_fields(**overrides):
    fields = {
        "name": "安曇野 太郎",
        "name_kana": "アズミノ タロウ",
        "hourly_rate": 1_050,
        "joined_on": APRIL_1,
    }
    fields.update(overrides)
    return fields


# --- skills ---------------------------------------------------------------------------


def test_skill_create_writes_the_row_and_one_audit_entry(alpha, admin):
    skill = skill_create(
        code="annotation", name="アノテーション", name_en="Annotation", acting_user=admin
    )
    assert skill.pk is not None
    entry = AuditEntry.objects.get(action="skill.create", object_id=str(skill.pk))
    assert entry.region_code == "alpha"
    assert entry.actor == admin
    assert entry.changes == {"code": "annotation"}


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"code": "rpa"}, "skill_code_taken", "code"),
        ({"code": "not a slug!"}, "invalid", "code"),
        ({"code": ""}, "blank", "code"),
        ({"code": "excel", "name": ""}, "blank", "name"),
    ],
)
def test_skill_create_refusals(alpha, refused, fields, code, field):
    skill_create(code="rpa", name="RPA", name_en="RPA")
    values = {"code": "x", "name": "名前", "name_en": "Name", **fields}
    refused(lambda: skill_create(**values), code=code, field=field)


# --- creating workers -----------------------------------------------------------------


def test_worker_create_stores_everything_and_starts_the_journey(alpha, admin):
    skill_create(code="data-entry", name="データ入力", name_en="Data entry")
    skill_create(code="kitting", name="キッティング", name_en="Kitting")
    worker = worker_create(
        **_worker_fields(
            email=" Taro@Example.JP ",
            phone="0263-00-0000",
            skill_codes=["kitting", "data-entry"],
            invoice_registration_number=f"t{CORPORATE_NUMBER}",
            constraint_reason="childcare",
            constraint_note="保育園のお迎えが17時",
            availability=[(0, 540, 720), (0, 780, 960), (2, 600, 900)],
        ),
        acting_user=admin,
    )
    worker = Worker.objects.get(pk=worker.pk)
    assert worker.status == WorkerStatus.APPLICANT
    assert worker.email == "taro@example.jp"
    assert worker.invoice_registration_number == f"T{CORPORATE_NUMBER}"
    assert sorted(worker.skills.values_list("code", flat=True)) == ["data-entry", "kitting"]
    assert [(w.weekday, w.start_minute, w.end_minute) for w in availability_for(worker)] == [
        (0, 540, 720),
        (0, 780, 960),
        (2, 600, 900),
    ]
    assert [(c.from_status, c.to_status, c.changed_on) for c in worker.status_changes.all()] == [
        ("", "applicant", APRIL_1)
    ]
    entry = AuditEntry.objects.get(action="worker.create", object_id=str(worker.pk))
    assert entry.changes == {
        "status": "applicant",
        "hourly_rate": 1050,
        "joined_on": "2023-04-01",
        "skill_codes": ["data-entry", "kitting"],
        "windows": 3,
        "weekly_minutes": 180 + 180 + 300,
    }
    # No personal value reaches the public schema's audit log.
    text = str(entry.changes)
    personal = ["安曇野", "アズミノ", "taro@", "0263", "childcare", "保育園", CORPORATE_NUMBER]
    assert [value for value in personal if value in text] == []


def test_worker_created_with_a_later_status_records_that_status(alpha):
    worker = worker_create(**_worker_fields(status=WorkerStatus.ACTIVE))
    assert list(worker.status_changes.values_list("from_status", "to_status")) == [("", "active")]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": "  "}, "blank", "name"),
        ({"name_kana": "Azumino"}, "kana_only", "name_kana"),
        ({"hourly_rate": 0}, "min_value", "hourly_rate"),
        ({"hourly_rate": 100_001}, "max_value", "hourly_rate"),
        ({"hourly_rate": 1000.5}, "not_whole_number", "hourly_rate"),
        ({"hourly_rate": "1000"}, "not_whole_number", "hourly_rate"),
        ({"joined_on": "2023-04-01"}, "not_a_date", "joined_on"),
        ({"joined_on": datetime.datetime(2023, 4, 1, 9, 0)}, "not_a_date", "joined_on"),
        ({"email": "not-an-email"}, "invalid", "email"),
        ({"phone": "0" * 21}, "max_length", "phone"),
        (
            {"invoice_registration_number": "1234"},
            "registration_number_format",
            "invoice_registration_number",
        ),
        (
            {"invoice_registration_number": "T1000012050002"},
            "registration_number_check_digit",
            "invoice_registration_number",
        ),
        ({"constraint_reason": "hobby"}, "constraint_reason_unknown", "constraint_reason"),
        ({"status": "retired"}, "invalid_choice", "status"),
        ({"skill_codes": ["no-such-skill"]}, "skill_unknown", "skill_codes"),
        ({"availability": [(7, 0, 60)]}, "weekday_range", "availability"),
        ({"availability": [(0, 600, 600)]}, "window_range", "availability"),
        ({"availability": [(0, 900, 600)]}, "window_range", "availability"),
        ({"availability": [(0, 0, 1441)]}, "window_range", "availability"),
        ({"availability": [(0, 540.0, 600)]}, "not_whole_number", "availability"),
        ({"availability": [(0, 540)]}, "window_shape", "availability"),
        ({"availability": [(1, 540, 720), (1, 700, 800)]}, "window_overlap", "availability"),
        ({"availability": [(1, 540, 720), (1, 540, 720)]}, "window_overlap", "availability"),
    ],
)
def test_worker_create_refusals(alpha, refused, overrides, code, field):
    refused(lambda: worker_create(**_worker_fields(**overrides)), code=code, field=field)


@pytest.mark.parametrize(
    ("check", "field", "message"),
    [
        (lambda: check_whole_number(0, field="hourly_rate", minimum=1), "hourly_rate",
         "「時間単価（円）」は1以上にしてください。"),
        (lambda: check_whole_number(90.5, field="unit_price"), "unit_price",
         "「単価（円）」は整数で入力してください。"),
        (lambda: check_whole_number(100_001, field="minutes", maximum=100_000), "minutes",
         "「時間（分）」は100000以下にしてください。"),
        (lambda: check_date("2023-04-01", field="joined_on"), "joined_on",
         "「参加日」は日付で入力してください。"),
    ],
)  # fmt: skip
def test_a_refusal_names_the_field_as_the_forms_do_not_as_the_code_does(check, field, message):
    from django.utils import translation

    with translation.override("ja"), pytest.raises(DomainError) as refused:
        check()
    assert (refused.value.field, refused.value.message) == (field, message)


def test_adjacent_windows_are_not_an_overlap(alpha):
    worker = worker_create(**_worker_fields(availability=[(4, 540, 720), (4, 720, 900)]))
    assert availability_for(worker).count() == 2


# --- sensitive fields -----------------------------------------------------------------


def test_the_constraint_is_encrypted_at_rest_and_reads_back(alpha):
    worker = worker_create(
        **_worker_fields(constraint_reason="caregiving", constraint_note="母の介護で午前のみ")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT constraint_reason, constraint_note FROM workforce_worker WHERE id = %s",
            [worker.pk],
        )
        raw_reason, raw_note = cursor.fetchone()
    assert raw_reason != "caregiving"
    assert "caregiving" not in raw_reason
    assert "介護" not in raw_note
    assert cipher().decrypt(raw_reason.encode()).decode() == "caregiving"
    fresh = Worker.objects.get(pk=worker.pk)
    assert (fresh.constraint_reason, fresh.constraint_note) == ("caregiving", "母の介護で午前のみ")


# --- updating workers -----------------------------------------------------------------


def test_worker_update_changes_whitelisted_fields_and_audits_names_only(alpha, admin):
    skill_create(code="kitting", name="キッティング", name_en="Kitting")
    worker = worker_create(**_worker_fields())
    worker_update(
        worker=worker,
        name="安曇野 次郎",
        hourly_rate=1_200,
        constraint_reason="health",
        skill_codes=["kitting"],
        acting_user=admin,
    )
    fresh = Worker.objects.get(pk=worker.pk)
    assert fresh.name == "安曇野 次郎"
    assert (fresh.hourly_rate, fresh.constraint_reason) == (1200, "health")
    assert list(fresh.skills.values_list("code", flat=True)) == ["kitting"]
    entry = AuditEntry.objects.get(action="worker.update", object_id=str(worker.pk))
    assert entry.actor == admin
    assert entry.changes == {
        "name": "changed",
        "hourly_rate": [1050, 1200],
        "constraint_reason": "changed",
        "skill_codes": [[], ["kitting"]],
    }


def test_worker_update_without_a_change_writes_nothing(alpha):
    worker = worker_create(**_worker_fields())
    audits = AuditEntry.objects.count()
    worker_update(worker=worker, name="安曇野 太郎", hourly_rate=1_050)
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"status": "active"}, "field_not_editable", "status"),
        ({"created_at": None}, "field_unknown", "created_at"),
        ({"favourite_colour": "blue"}, "field_unknown", "favourite_colour"),
        ({"hourly_rate": -5}, "min_value", "hourly_rate"),
        ({"hourly_rate": 999.0}, "not_whole_number", "hourly_rate"),
        ({"hourly_rate": 0}, "min_value", "hourly_rate"),
        ({"name_kana": "abc"}, "kana_only", "name_kana"),
        ({"email": "@@"}, "invalid", "email"),
        ({"constraint_reason": "secret"}, "constraint_reason_unknown", "constraint_reason"),
        ({"skill_codes": ["ghost"]}, "skill_unknown", "skill_codes"),
        ({"joined_on": "yesterday"}, "not_a_date", "joined_on"),
    ],
)
def test_worker_update_refusals_leave_the_row_as_it_was(alpha, refused, changes, code, field):
    worker = worker_create(**_worker_fields())
    refused(lambda: worker_update(worker=worker, **changes), code=code, field=field)
    fresh = Worker.objects.get(pk=worker.pk)
    assert (fresh.name_kana, fresh.hourly_rate, fresh.email) == ("アズミノ タロウ", 1050, "")
    assert worker.hourly_rate == 1050  # the caller's instance is not left dirty either


# --- the journey ----------------------------------------------------------------------

JOURNEY = [
    (WorkerStatus.TRAINING, datetime.date(2023, 4, 10)),
    (WorkerStatus.ACTIVE, datetime.date(2023, 6, 1)),
    (WorkerStatus.EMPLOYED, datetime.date(2024, 10, 1)),  # second challenge
    (WorkerStatus.RETURNED, datetime.date(2025, 2, 1)),  # safety net
    (WorkerStatus.ACTIVE, datetime.date(2025, 2, 15)),
]


def test_the_whole_journey_is_recorded_step_by_step(alpha, admin):
    worker = worker_create(**_worker_fields())
    for status, day in JOURNEY:
        worker_change_status(worker=worker, status=status, changed_on=day, acting_user=admin)
    assert Worker.objects.get(pk=worker.pk).status == WorkerStatus.ACTIVE
    steps = list(
        status_change_list(worker=worker).values_list("from_status", "to_status", "changed_on")
    )
    assert steps == [
        ("", "applicant", APRIL_1),
        ("applicant", "training", datetime.date(2023, 4, 10)),
        ("training", "active", datetime.date(2023, 6, 1)),
        ("active", "employed", datetime.date(2024, 10, 1)),
        ("employed", "returned", datetime.date(2025, 2, 1)),
        ("returned", "active", datetime.date(2025, 2, 15)),
    ]
    assert AuditEntry.objects.filter(
        action="worker.change_status", object_id=str(worker.pk)
    ).count() == len(JOURNEY)
    employed = status_change_list(
        to_status="employed",
        date_from=datetime.date(2024, 4, 1),
        date_to=datetime.date(2025, 3, 31),
    )
    assert [change.worker_id for change in employed] == [worker.pk]


ILLEGAL_WORKER_MOVES = [
    (current, target)
    for current in WorkerStatus.values
    for target in WorkerStatus.values
    if target not in WORKER_TRANSITIONS[current]
]


def _walk_to(worker, status):
    """The shortest legal path from applicant to `status`."""
    path = {
        "applicant": [],
        "training": ["training"],
        "active": ["training", "active"],
        "employed": ["training", "active", "employed"],
        "returned": ["training", "active", "employed", "returned"],
        "social_participation": ["training", "active", "social_participation"],
        "left": ["left"],
    }[status]
    for step in path:
        worker_change_status(worker=worker, status=step, changed_on=APRIL_1)


def test_the_transition_table_has_the_brief_s_moves():
    assert ("training", "applicant") in ILLEGAL_WORKER_MOVES
    assert ("returned", "active") not in ILLEGAL_WORKER_MOVES
    # The second challenge's two outcomes, the safety net from both, and leaving.
    for move in [
        ("active", "social_participation"),
        ("social_participation", "returned"),
        ("active", "left"),
        ("left", "active"),
    ]:
        assert move not in ILLEGAL_WORKER_MOVES, move
    assert ("left", "returned") in ILLEGAL_WORKER_MOVES
    assert len(ILLEGAL_WORKER_MOVES) == 7 * 7 - 11


@pytest.mark.parametrize(("current", "target"), ILLEGAL_WORKER_MOVES)
def test_illegal_worker_moves_are_refused(alpha, refused, current, target):
    worker = worker_create(**_worker_fields())
    _walk_to(worker, current)
    error = refused(
        lambda: worker_change_status(worker=worker, status=target, changed_on=APRIL_1),
        code="illegal_transition",
        field="status",
    )
    assert current in error.message and target in error.message
    assert Worker.objects.get(pk=worker.pk).status == current


@pytest.mark.parametrize(
    ("status", "changed_on", "code", "field"),
    [
        ("hired", APRIL_1, "status_unknown", "status"),
        ("training", "2023-04-02", "not_a_date", "changed_on"),
        ("training", datetime.date(2023, 3, 31), "changed_on_too_early", "changed_on"),
    ],
)
def test_status_change_refusals(alpha, refused, status, changed_on, code, field):
    worker = worker_create(**_worker_fields())
    refused(
        lambda: worker_change_status(worker=worker, status=status, changed_on=changed_on),
        code=code,
        field=field,
    )


def test_a_status_change_cannot_be_dated_before_the_previous_one(alpha, refused):
    worker = worker_create(**_worker_fields())
    worker_change_status(worker=worker, status="training", changed_on=datetime.date(2023, 5, 1))
    refused(
        lambda: worker_change_status(
            worker=worker, status="active", changed_on=datetime.date(2023, 4, 30)
        ),
        code="changed_on_too_early",
        field="changed_on",
    )


# --- availability ---------------------------------------------------------------------


def test_availability_set_replaces_the_windows(alpha, admin):
    worker = worker_create(**_worker_fields(availability=[(0, 540, 720)]))
    windows = availability_set(
        worker=worker, windows=[(1, 600, 660), (3, 540, 1020)], acting_user=admin
    )
    assert [(w.weekday, w.start_minute, w.end_minute) for w in windows] == [
        (1, 600, 660),
        (3, 540, 1020),
    ]
    assert AvailabilityWindow.objects.filter(worker=worker).count() == 2
    entry = AuditEntry.objects.get(action="worker.availability_set", object_id=str(worker.pk))
    assert entry.changes == {"windows": 2, "weekly_minutes": 60 + 480}


def test_availability_set_refuses_overlaps_and_keeps_the_old_windows(alpha, refused):
    worker = worker_create(**_worker_fields(availability=[(0, 540, 720)]))
    refused(
        lambda: availability_set(worker=worker, windows=[(5, 600, 700), (5, 650, 800)]),
        code="window_overlap",
        field="windows",
    )
    assert list(availability_for(worker).values_list("weekday", "start_minute")) == [(0, 540)]


# --- selectors ------------------------------------------------------------------------


def test_worker_list_filters_and_search(alpha, count_queries):
    skill_create(code="kitting", name="キッティング", name_en="Kitting")
    skill_create(code="rpa", name="RPA", name_en="RPA")
    both = worker_create(
        **_worker_fields(
            name="松本 一郎", name_kana="マツモト イチロウ", skill_codes=["kitting", "rpa"]
        )
    )
    one = worker_create(
        **_worker_fields(name="大町 二郎", name_kana="オオマチ ジロウ", skill_codes=["kitting"])
    )
    active = worker_create(
        **_worker_fields(name="糸魚川 三郎", name_kana="イトイガワ サブロウ", status="active")
    )
    mine = {both.pk, one.pk, active.pk}

    def listed(**filters):
        return [worker.pk for worker in worker_list(**filters) if worker.pk in mine]

    before = {row["status"]: row["count"] for row in worker_status_counts()}
    assert listed(skill_codes=["kitting", "rpa"]) == [both.pk]
    assert sorted(listed(skill_codes=["kitting"])) == sorted([both.pk, one.pk])
    assert listed(status="active") == [active.pk]
    assert {w.status for w in worker_list(status="applicant")} == {"applicant"}
    assert [w.pk for w in worker_list(search="マツモト")] == [both.pk]
    assert [w.pk for w in worker_list(search="大町")] == [one.pk]
    assert listed() == [active.pk, one.pk, both.pk]  # by kana: イ, オ, マ
    with count_queries() as queries:
        codes = {w.pk: sorted(s.code for s in w.skills.all()) for w in worker_list()}
    assert queries.value == 2  # workers, then all their skills at once
    assert codes[active.pk] == []
    assert codes[one.pk] == ["kitting"]
    assert codes[both.pk] == ["kitting", "rpa"]
    assert worker_get(pk=both.pk) == both
    assert worker_get(pk=-1) is None
    worker_change_status(worker=one, status="training", changed_on=APRIL_1)
    after = {row["status"]: row["count"] for row in worker_status_counts()}
    assert list(after) == [
        "applicant",
        "training",
        "active",
        "employed",
        "social_participation",
        "returned",
        "left",
    ]
    assert after["applicant"] == before["applicant"] - 1
    assert after["training"] == before["training"] + 1
