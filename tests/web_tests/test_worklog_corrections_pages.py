"""The work-log list corrects and withdraws unapproved logs: an edit form and a withdraw
button that asks first; approved logs offer neither, and a refused form keeps what was
typed with the error next to its field, in Japanese."""

from __future__ import annotations

import datetime
import re

import pytest

D = datetime.date
AUGUST = "/worklogs/?date_from=2017-08-01&date_to=2017-08-31"  # no seed work in that month


@pytest.fixture
def logs(fed, in_region, maker):
    """Alpha: a worker on an order with 90 minutes on 2017-08-02 (waiting for approval)
    and 30 minutes on 2017-08-03 (approved)."""
    from kado_tenants.orders.services import worklog_approve, worklog_record

    admin = fed.user("alpha_admin")
    with in_region(fed.alpha):
        make = maker(acting_user=admin)
        order = make.started_order(
            received_on=D(2017, 8, 1), due_on=D(2017, 8, 31), estimated_minutes=600
        )
        assignment = make.assignment(order=order)
        waiting = worklog_record(
            assignment=assignment, work_date=D(2017, 8, 2), minutes=90, note="誤入力"
        )
        approved = worklog_record(assignment=assignment, work_date=D(2017, 8, 3), minutes=30)
        worklog_approve(work_log=approved, acting_user=admin)
    return waiting, approved


def stored(fed, in_region, work_log):
    from kado_tenants.orders.models import WorkLog

    with in_region(fed.alpha):
        row = WorkLog.objects.filter(pk=work_log.pk).first()
        return None if row is None else (row.work_date, row.minutes, row.note)


def row(body: str, work_log) -> str:
    found = re.search(rf'<tr id="worklog-{work_log.pk}">.*?</tr>', body, re.S)
    assert found, f"no row for work log {work_log.pk}"
    return found.group(0)


@pytest.mark.parametrize("user_key", ["alpha_staff", "alpha_admin"])
def test_only_unapproved_logs_offer_correction_and_withdrawal(fed, web, logs, user_key):
    waiting, approved = logs
    body = web(fed.alpha, fed.user(user_key)).get(AUGUST).content.decode()
    assert "訂正・取り下げ" in body  # the column
    waiting_row = row(body, waiting)
    assert f'href="/worklogs/{waiting.pk}/edit/?next=' in waiting_row
    assert f'action="/worklogs/{waiting.pk}/withdraw/"' in waiting_row
    assert (
        'data-confirm="この稼働記録を取り下げますか？その稼働時間は案件から除かれます。"'
        in waiting_row
    )
    approved_row = row(body, approved)
    assert "/edit/" not in approved_row
    assert "/withdraw/" not in approved_row
    assert "data-confirm" not in approved_row


def test_staff_correct_a_log_on_its_form(fed, web, in_region, logs):
    waiting, _approved = logs
    client = web(fed.alpha, fed.user("alpha_staff"))
    form = client.get(f"/worklogs/{waiting.pk}/edit/?next={AUGUST}")
    assert form.status_code == 200
    body = form.content.decode()
    assert "稼働記録の訂正" in body
    assert 'value="90"' in body and 'value="2017-08-02"' in body and 'value="誤入力"' in body
    saved = client.post(
        f"/worklogs/{waiting.pk}/edit/",
        {"work_date": "2017-08-04", "minutes": "60", "note": "60分に訂正", "next": AUGUST},
    )
    assert saved.status_code == 302 and saved["Location"] == AUGUST
    assert stored(fed, in_region, waiting) == (D(2017, 8, 4), 60, "60分に訂正")
    page = client.get(AUGUST).content.decode()
    assert "稼働記録を訂正しました。" in page
    assert ">60<" in row(page, waiting)


def test_a_refused_correction_keeps_what_was_typed(fed, web, in_region, logs):
    waiting, _approved = logs
    client = web(fed.alpha, fed.user("alpha_staff"))
    refused = client.post(
        f"/worklogs/{waiting.pk}/edit/",
        {"work_date": "2017-08-03", "minutes": "75", "note": "入力中のメモ"},
    )
    assert refused.status_code == 200
    body = refused.content.decode()
    error = re.search(r'<div class="error" id="id_work_date_error">(.*?)</div>', body, re.S)
    assert error and "この日のこの案件の稼働はすでに記録されています" in error.group(1)
    assert 'value="2017-08-03"' in body and 'value="75"' in body and 'value="入力中のメモ"' in body
    too_early = client.post(
        f"/worklogs/{waiting.pk}/edit/", {"work_date": "2017-07-31", "minutes": "75", "note": ""}
    ).content.decode()
    assert 'id="id_work_date_error"' in too_early
    assert 'value="2017-07-31"' in too_early
    assert stored(fed, in_region, waiting) == (D(2017, 8, 2), 90, "誤入力")


def test_an_approved_log_is_neither_corrected_nor_withdrawn_by_url(fed, web, in_region, logs):
    _waiting, approved = logs
    client = web(fed.alpha, fed.user("alpha_admin"))
    opened = client.get(f"/worklogs/{approved.pk}/edit/", follow=True)
    assert opened.redirect_chain == [("/worklogs/", 302)]
    assert "承認済みの稼働記録は訂正できません。" in opened.content.decode()
    posted = client.post(
        f"/worklogs/{approved.pk}/edit/", {"work_date": "2017-08-03", "minutes": "10", "note": ""}
    )
    assert posted.status_code == 200
    assert "この稼働記録は承認済みです" in posted.content.decode()
    withdrawn = client.post(f"/worklogs/{approved.pk}/withdraw/", {"next": AUGUST}, follow=True)
    assert withdrawn.redirect_chain == [(AUGUST, 302)]
    assert "この稼働記録は承認済みです" in withdrawn.content.decode()
    assert stored(fed, in_region, approved) == (D(2017, 8, 3), 30, "")


def test_staff_withdraw_a_log(fed, web, in_region, logs):
    waiting, approved = logs
    client = web(fed.alpha, fed.user("alpha_staff"))
    assert client.get(f"/worklogs/{waiting.pk}/withdraw/").status_code == 405
    done = client.post(f"/worklogs/{waiting.pk}/withdraw/", {"next": AUGUST}, follow=True)
    assert done.redirect_chain == [(AUGUST, 302)]
    body = done.content.decode()
    assert "稼働記録を取り下げました。" in body
    assert f'id="worklog-{waiting.pk}"' not in body
    assert stored(fed, in_region, waiting) is None
    assert stored(fed, in_region, approved) == (D(2017, 8, 3), 30, "")
    # Gone: its form is the site's 404 page.
    assert client.get(f"/worklogs/{waiting.pk}/edit/").status_code == 404


def test_approving_on_the_list_removes_the_rows_buttons(fed, web, in_region, logs):
    waiting, _approved = logs
    admin = web(fed.alpha, fed.user("alpha_admin"))
    response = admin.post(f"/worklogs/{waiting.pk}/approve/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert f'<td id="worklog-{waiting.pk}-corrections" hx-swap-oob="true"></td>' in body
    page = admin.get(AUGUST).content.decode()
    assert f"/worklogs/{waiting.pk}/edit/" not in page


def test_logs_of_a_cancelled_order_offer_no_correction(fed, web, in_region, logs):
    from kado_tenants.orders.services import order_transition

    waiting, _approved = logs
    with in_region(fed.alpha):
        order_transition(
            order=waiting.assignment.order, to_status="cancelled", on_date=D(2017, 8, 5)
        )
    body = web(fed.alpha, fed.user("alpha_staff")).get(AUGUST).content.decode()
    assert "/edit/" not in row(body, waiting) and "/withdraw/" not in row(body, waiting)
