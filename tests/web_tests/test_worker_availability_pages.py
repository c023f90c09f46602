"""A worker's weekly availability on the worker page: shown to the region, replaced by its
staff and admins through the service, refusals next to their row, and the hub's capacity
following the new minutes."""

from __future__ import annotations

import datetime
import re

import pytest

from kado_platform.audit.models import AuditEntry
from kado_platform.federation.selectors import capacity
from kado_tenants.workforce.models import Worker
from kado_tenants.workforce.selectors import availability_for, worker_get
from kado_tenants.workforce.services import availability_set, skill_create

D = datetime.date
# 2071-04-06 is a Monday: the fortnight holds two of each weekday.
FORTNIGHT = {"date_from": D(2071, 4, 6), "date_to": D(2071, 4, 19)}


def _worker(fed, in_region, maker, windows=()):
    """An active alpha worker with a skill of their own (named after their id, which no
    run reuses), so the hub's capacity for that skill counts them alone."""
    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        worker = maker(acting_user=admin).active_worker(joined_on=D(2071, 4, 1))
        skill = skill_create(
            code=f"avail-{worker.pk}",
            name=f"稼働{worker.pk}",
            name_en="Availability",
            acting_user=admin,
        )
        worker.skills.add(skill)
        if windows:
            availability_set(worker=worker, windows=windows, acting_user=admin)
    return worker, skill.code


def _windows(fed, in_region, worker):
    with in_region(fed.alpha):
        return [(w.weekday, w.start_minute, w.end_minute) for w in availability_for(worker)]


def _audits(fed, worker):
    return AuditEntry.objects.filter(
        action="worker.availability_set",
        region_code=fed.alpha.schema_name,
        object_id=str(worker.pk),
    )


def _post_data(rows, *, initial=0, total=None):
    """The formset's POST: rows of (weekday, start, end) as typed ("" for empty)."""
    total = len(rows) if total is None else total
    data = {
        "form-TOTAL_FORMS": str(total),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index in range(total):
        weekday, start, end = rows[index] if index < len(rows) else ("", "", "")
        data[f"form-{index}-weekday"] = str(weekday)
        data[f"form-{index}-start"] = start
        data[f"form-{index}-end"] = end
    return data


def _row(body: str, number: int) -> str:
    match = re.search(rf'<tr id="availability-row-{number}">(.*?)</tr>', body, re.S)
    assert match, f"row {number} is missing"
    return match[1]


def _alpha_capacity(skill_code):
    rows = {row["region"].code: row for row in capacity(skills=[skill_code], **FORTNIGHT)}
    return rows["alpha"]["workers"], rows["alpha"]["minutes"]


@pytest.mark.parametrize("user_key", ["alpha_staff", "alpha_admin"])
def test_the_worker_page_shows_the_windows_and_the_weekly_total(
    fed, web, in_region, maker, user_key
):
    # Monday 9:00–12:00 (180) and 13:00–17:30 (270), Thursday 10:00–10:45 (45), Sunday
    # 22:00–24:00 (120): 615 minutes = 10時間15分.
    windows = [(0, 540, 720), (0, 780, 1050), (3, 600, 645), (6, 1320, 1440)]
    worker, _code = _worker(fed, in_region, maker, windows)
    body = web(fed.alpha, fed.user(user_key)).get(f"/workers/{worker.pk}/").content.decode()
    table = re.search(
        r'<table class="data-table max-w-2xl" id="availability">(.*?)</table>', body, re.S
    )
    assert table, "the availability table is missing"
    cells = [
        re.sub(r"<[^>]+>", "", row).strip() for row in re.findall(r"<tr>(.*?)</tr>", table[1], re.S)
    ]
    assert cells == [
        "曜日時間帯時間",
        "月曜日9:00〜12:003時間",
        "月曜日13:00〜17:304時間30分",
        "木曜日10:00〜10:4545分",
        "日曜日22:00〜24:002時間",
        "週の合計10時間15分",
    ]
    assert f'href="/workers/{worker.pk}/availability/"' in body
    assert 'id="availability-total">10時間15分<' in body


def test_a_worker_without_windows_says_so(fed, web, in_region, maker):
    worker, _code = _worker(fed, in_region, maker)
    body = web(fed.alpha, fed.user("alpha_staff")).get(f"/workers/{worker.pk}/").content.decode()
    assert '<p id="availability">稼働可能時間は登録されていません。</p>' in body


@pytest.mark.parametrize("user_key", ["alpha_staff", "alpha_admin"])
def test_staff_and_admins_replace_the_week(fed, web, in_region, maker, user_key):
    worker, code = _worker(fed, in_region, maker, [(1, 600, 660)])
    client = web(fed.alpha, fed.user(user_key))
    url = f"/workers/{worker.pk}/availability/"

    form = client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    # The one window is row 1 as typed text; three empty rows follow; every input labelled.
    assert 'value="10:00"' in _row(body, 1) and 'value="11:00"' in _row(body, 1)
    assert '<option value="1" selected>火曜日</option>' in _row(body, 1)
    assert 'id="availability-row-4"' in body and 'id="availability-row-5"' not in body
    for field_id in re.findall(r'<(?:input|select)[^>]*\bid="(id_form-\d+-\w+)"', body):
        assert f'<label class="visually-hidden" for="{field_id}">' in body, field_id

    # Tuesday is emptied, Monday gets two windows (one typed in full-width digits), and
    # Sunday runs to the end of the day: 180 + 270 + 120 = 570 minutes a week.
    rows = [("", "", ""), (0, "9:00", "12:00"), (0, "１３：００", "17:30"), (6, "22:00", "24:00")]
    earlier = list(_audits(fed, worker).values_list("pk", flat=True))
    response = client.post(url, _post_data(rows, initial=1))
    assert response.status_code == 302
    assert response["Location"] == f"/workers/{worker.pk}/"
    assert _windows(fed, in_region, worker) == [(0, 540, 720), (0, 780, 1050), (6, 1320, 1440)]
    [audit] = _audits(fed, worker).exclude(pk__in=earlier)
    assert audit.actor == fed.user(user_key)
    assert audit.changes == {"windows": 3, "weekly_minutes": 570}
    page = client.get(response["Location"]).content.decode()
    assert "週ごとの稼働可能時間を保存しました。" in page
    assert 'id="availability-total">9時間30分<' in page
    assert _alpha_capacity(code) == (1, 2 * 570)


REFUSALS = {
    # Wednesday 11:30 starts inside 9:00–12:00: the second row is the one refused.
    "overlap": (
        [(2, "9:00", "12:00"), (2, "11:30", "13:00")],
        (2, "start"),
        "同じ曜日の稼働可能時間が重ならないようにしてください。",
    ),
    "end before start": (
        [(4, "8:00", "9:00"), (1, "17:00", "9:00")],
        (2, "end"),
        "稼働可能時間は開始より後に終わり、その日のうち（0:00〜24:00、0〜1440分）に収めてください。",
    ),
    "outside the day": (
        [(5, "22:00", "25:00")],
        (1, "end"),
        "稼働可能時間は開始より後に終わり、その日のうち（0:00〜24:00、0〜1440分）に収めてください。",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refusal_is_shown_next_to_its_row_keeps_the_input_and_writes_nothing(
    fed, web, in_region, maker, case
):
    rows, (number, field), message = REFUSALS[case]
    before = [(3, 540, 600)]
    worker, code = _worker(fed, in_region, maker, before)
    audits = _audits(fed, worker).count()
    client = web(fed.alpha, fed.user("alpha_staff"))

    response = client.post(f"/workers/{worker.pk}/availability/", _post_data(rows, initial=1))

    assert response.status_code == 200
    body = response.content.decode()
    error_id = f"id_form-{number - 1}-{field}_error"
    row = _row(body, number)
    assert f'<div class="error" id="{error_id}"><p>{message}</p></div>' in row
    assert f'aria-describedby="{error_id}"' in row and 'aria-invalid="true"' in row
    assert body.count('class="error"') == 1  # the other rows carry no error
    assert 'role="alert"' in body
    for index, (weekday, start, end) in enumerate(rows, start=1):
        typed = _row(body, index)
        assert f'<option value="{weekday}" selected>' in typed
        assert f'value="{start}"' in typed and f'value="{end}"' in typed
    assert _windows(fed, in_region, worker) == before
    assert _audits(fed, worker).count() == audits
    assert _alpha_capacity(code) == (1, 2 * 60)


def test_a_half_filled_row_or_a_bad_time_is_refused_before_the_service(fed, web, in_region, maker):
    worker, _code = _worker(fed, in_region, maker, [(3, 540, 600)])
    client = web(fed.alpha, fed.user("alpha_admin"))
    rows = [(0, "9:00", ""), (1, "9時", "10:00"), (2, "9:75", "10:00")]
    body = client.post(f"/workers/{worker.pk}/availability/", _post_data(rows)).content.decode()
    assert (
        '<div class="error" id="id_form-0-end_error"><p>'
        "曜日・開始時刻・終了時刻をすべて入力するか、行を空にしてください。</p></div>"
    ) in _row(body, 1)
    for number in (2, 3):
        assert (
            f'<div class="error" id="id_form-{number - 1}-start_error"><p>'
            "時刻は「9:00」「17:30」のように時と分で入力してください。</p></div>"
        ) in _row(body, number)
    assert 'value="9時"' in _row(body, 2) and 'value="9:75"' in _row(body, 3)
    assert _windows(fed, in_region, worker) == [(3, 540, 600)]


def test_another_regions_worker_is_not_found(fed, web, in_region, maker, same_pk):
    """A beta worker's id on alpha's host: no alpha worker has it, so a 404 and no write."""
    target = same_pk(Worker, fed.alpha, fed.beta)
    with in_region(fed.beta):
        stranger = maker(acting_user=fed.user("beta_admin")).worker()
        availability_set(worker=stranger, windows=[(0, 540, 600)])
    assert stranger.pk == target
    with in_region(fed.alpha):
        assert worker_get(pk=target) is None
    client = web(fed.alpha, fed.user("alpha_admin"))
    url = f"/workers/{target}/availability/"
    assert client.get(url).status_code == 404
    assert client.post(url, _post_data([(1, "9:00", "17:00")])).status_code == 404
    assert client.get(f"/workers/{target}/").status_code == 404
    with in_region(fed.beta):
        assert [(w.weekday, w.start_minute, w.end_minute) for w in availability_for(stranger)] == [
            (0, 540, 600)
        ]


def test_the_form_needs_the_regions_write_permission(fed, web, in_region, maker):
    worker, _code = _worker(fed, in_region, maker, [(3, 540, 600)])
    url = f"/workers/{worker.pk}/availability/"
    anonymous = web(fed.alpha).get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    outsider = web(fed.beta, fed.user("beta_admin"))
    outsider.defaults["HTTP_HOST"] = fed.alpha.host
    assert outsider.post(url, _post_data([(1, "9:00", "17:00")])).status_code in {302, 403}
    assert _windows(fed, in_region, worker) == [(3, 540, 600)]


def test_the_hub_capacity_follows_each_new_week(fed, web, in_region, maker):
    worker, code = _worker(fed, in_region, maker)
    assert _alpha_capacity(code) == (1, 0)
    client = web(fed.alpha, fed.user("alpha_staff"))
    url = f"/workers/{worker.pk}/availability/"
    # Tuesday 9:00–12:15 (195) and Friday 13:00–15:00 (120): 315 a week, 630 a fortnight.
    rows = [(1, "9:00", "12:15"), (4, "13:00", "15:00")]
    assert client.post(url, _post_data(rows)).status_code == 302
    assert _alpha_capacity(code) == (1, 630)
    # Friday removed: 195 a week, 390 a fortnight.
    assert client.post(url, _post_data([rows[0], ("", "", "")], initial=2)).status_code == 302
    assert _alpha_capacity(code) == (1, 390)
