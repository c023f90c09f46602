"""The pages that set a region up to pay and to record skills, through Django's test
client: 支払設定 (remitter details and withholding by category), a worker's bank account,
the skills list and the response to an accommodation request. Region admins only (staff
get 403); a refused form keeps what was typed, shows the error next to its field and
writes nothing."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from kado_platform.audit.models import AuditEntry
from kado_tenants.payouts.models import BankAccount, WithholdingCategory
from kado_tenants.payouts.selectors import (
    accommodation_request_get,
    bank_account_for,
    payout_settings_get,
)
from kado_tenants.payouts.services import accommodation_request_record, payout_settings_update
from kado_tenants.workforce.models import Skill, Worker

SETTINGS = {
    "principal_name": "一般財団法人 アルファ振興公社",
    "remitter_code": "1234567890",
    "remitter_name_kana": "カド シンコウ",
    "bank_code": "0001",
    "branch_code": "001",
    "account_type": "2",
    "account_number": "12345",
    "payment_month_offset": "1",
    "payment_day": "25",
    "payment_method": "銀行振込（振込手数料は委託者負担）",
    "record_separator": "crlf",
}
ACCOUNT = {
    "bank_code": "0009",
    "branch_code": "001",
    "account_type": "1",
    "account_number": "7654321",
    "holder_kana": "ヤマダ ハナコ",
}


def _field_error(body: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="id_{field}_error">(.*?)</div>', body, re.S)
    assert match, f"no error shown next to {field}"
    return html.unescape(match.group(1))


def _typed(body: str, field: str) -> str:
    """The value an <input> of the form shows again."""
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', body)
    assert tag, f"no input {field}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def _h1(body: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", body, re.S).group(1).strip()


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


@pytest.fixture
def admin(fed, web):
    return web(fed.alpha, fed.user("alpha_admin"))


@pytest.fixture
def staff(fed, web):
    return web(fed.alpha, fed.user("alpha_staff"))


@pytest.fixture
def worker(fed, in_region, maker):
    """A worker of region alpha with no bank account; the test runs in alpha's schema."""
    with in_region(fed.alpha):
        yield maker(acting_user=fed.user("alpha_admin")).active_worker(hourly_rate=1_300)


@pytest.fixture
def blank_remitter(fed, in_region):
    """Region alpha as a new region is: no remitter details (rolled back after the test)."""
    with in_region(fed.alpha):
        payout_settings_update(
            remitter_code="",
            remitter_name_kana="",
            bank_code="",
            branch_code="",
            account_number="",
        )
        yield


# --- who may open what -----------------------------------------------------------------


def test_staff_get_403_and_the_pages_are_linked_for_admins(admin, staff, worker, fed, web):
    request = accommodation_request_record(
        worker=worker,
        requested_on=datetime.date(2023, 7, 3),
        kind="childcare",
        content="保育園のお迎えのため16時まで",
    )
    forbidden = [
        ("get", "/payouts/settings/", {}),
        ("post", "/payouts/settings/", SETTINGS),
        ("post", "/payouts/settings/withholding/", {"category": "data_entry", "withholds": "on"}),
        ("post", f"/workers/{worker.pk}/bank-account/", ACCOUNT),
        ("post", "/workers/skills/new/", {"code": "x1", "name": "x", "name_en": "x"}),
        ("get", f"/payouts/freelance-act/requests/{request.pk}/respond/", {}),
        (
            "post",
            f"/payouts/freelance-act/requests/{request.pk}/respond/",
            {"response": "可", "responded_on": "2023-07-05"},
        ),
    ]
    for method, path, data in forbidden:
        assert getattr(staff, method)(path, data).status_code == 403, path
    anonymous = web(fed.alpha).get("/payouts/settings/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert not BankAccount.objects.filter(worker=worker).exists()
    assert not Skill.objects.filter(code="x1").exists()
    assert accommodation_request_get(pk=request.pk).responded_on is None

    # Staff see the workers and the skills, not the account or the add form.
    staff_worker = staff.get(f"/workers/{worker.pk}/").content.decode()
    assert "報酬の振込口座" not in staff_worker and "bank-account" not in staff_worker
    staff_skills = staff.get("/workers/skills/")
    assert staff_skills.status_code == 200
    assert _h1(staff_skills.content.decode()) == "スキル"
    assert "スキルを追加" not in staff_skills.content.decode()

    assert 'href="/payouts/settings/"' in admin.get("/payouts/").content.decode()
    assert 'href="/workers/skills/"' in admin.get("/workers/").content.decode()
    records = admin.get("/payouts/freelance-act/").content.decode()
    assert f'href="/payouts/freelance-act/requests/{request.pk}/respond/"' in records


# --- 支払設定 -------------------------------------------------------------------------------


def test_the_settings_page_saves_the_remitter(admin, fed, in_region, blank_remitter):
    page = admin.get("/payouts/settings/").content.decode()
    assert _h1(page) == "支払設定"
    assert "委託者情報と支払条件" in page and "業務分類ごとの源泉徴収" in page
    missing = re.search(
        r'<div class="notice-error" role="status" id="remitter-missing">(.*?)</div>', page, re.S
    )
    assert missing and "振込依頼人コード" in missing.group(1) and "口座番号" in missing.group(1)
    before = _audits("payout_settings.update")

    response = admin.post("/payouts/settings/", SETTINGS)
    assert response.status_code == 302 and response["Location"] == "/payouts/settings/"
    settings = payout_settings_get()
    assert (
        settings.principal_name,
        settings.remitter_code,
        settings.remitter_name_kana,
        settings.bank_code,
        settings.branch_code,
        settings.account_type,
        settings.account_number,
        settings.payment_month_offset,
        settings.payment_day,
    ) == (
        "一般財団法人 アルファ振興公社",
        "1234567890",
        "ｶﾄﾞ ｼﾝｺｳ",
        "0001",
        "001",
        "2",
        "0012345",
        1,
        25,
    )
    assert _audits("payout_settings.update") == before + 1
    saved = admin.get("/payouts/settings/").content.decode()
    assert "remitter-missing" not in saved and "支払設定を保存しました。" in saved
    assert _typed(saved, "remitter_code") == "1234567890"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"remitter_code": "12345"}, "remitter_code", "10桁の数字"),
        ({"remitter_name_kana": "角振興"}, "remitter_name_kana", "角"),
        ({"bank_code": "9999"}, "bank_code", "9999"),
        ({"payment_day": "32"}, "payment_day", "31"),
    ],
)
def test_a_refused_settings_form_keeps_what_was_typed(
    admin, fed, in_region, blank_remitter, change, field, message
):
    before = _audits("payout_settings.update")
    response = admin.post("/payouts/settings/", {**SETTINGS, **change})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in _field_error(body, field)
    assert _typed(body, field) == change[field]
    assert _typed(body, "principal_name") == SETTINGS["principal_name"]
    settings = payout_settings_get()
    assert (settings.remitter_code, settings.principal_name) == ("", "")
    assert _audits("payout_settings.update") == before


def test_withholding_by_category_is_set_on_the_settings_page(admin, fed, in_region):
    with in_region(fed.alpha):
        refused = admin.post(
            "/payouts/settings/withholding/",
            {"category": "furusato_tax", "withholds": "on", "note": "x" * 201},
        )
        assert refused.status_code == 200
        body = refused.content.decode()
        assert "200" in _field_error(body, "note")
        assert _typed(body, "note") == "x" * 201
        assert not WithholdingCategory.objects.filter(
            category="furusato_tax", withholds=True
        ).exists()

        note = "所得税法第204条第1項第1号"
        saved = admin.post(
            "/payouts/settings/withholding/",
            {"category": "furusato_tax", "withholds": "on", "note": note},
        )
        assert saved.status_code == 302
        row = WithholdingCategory.objects.get(category="furusato_tax")
        assert (row.withholds, row.note) == (True, note)
        table = re.search(
            r'<table[^>]*id="withholding".*?</table>',
            admin.get("/payouts/settings/").content.decode(),
            re.S,
        ).group(0)
        assert note in table


# --- a worker's bank account ------------------------------------------------------------


def test_the_worker_page_sets_the_bank_account(admin, worker):
    page = admin.get(f"/workers/{worker.pk}/").content.decode()
    assert "報酬の振込口座（地域管理者のみ）" in page
    assert "振込口座が登録されていないため" in page
    before = _audits("bank_account.set")

    response = admin.post(f"/workers/{worker.pk}/bank-account/", ACCOUNT)
    assert response.status_code == 302 and response["Location"] == f"/workers/{worker.pk}/"
    account = bank_account_for(worker)
    assert (
        account.bank_code,
        account.branch_code,
        account.account_type,
        account.account_number,
        account.holder_kana,
    ) == ("0009", "001", "1", "7654321", "ﾔﾏﾀﾞ ﾊﾅｺ")
    assert _audits("bank_account.set") == before + 1
    shown = admin.get(f"/workers/{worker.pk}/").content.decode()
    details = re.search(r'<dl class="details" id="bank-account">(.*?)</dl>', shown, re.S).group(1)
    assert "7654321" in details and "ﾔﾏﾀﾞ ﾊﾅｺ" in details
    assert "振込口座を保存しました。" in shown


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"holder_kana": "山田花子"}, "holder_kana", "山"),
        ({"branch_code": "999"}, "bank_code", "999"),
        ({"account_number": "12-34"}, "account_number", "7桁の数字"),
    ],
)
def test_a_refused_bank_account_keeps_what_was_typed(admin, worker, change, field, message):
    before = _audits("bank_account.set")
    response = admin.post(f"/workers/{worker.pk}/bank-account/", {**ACCOUNT, **change})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in _field_error(body, field)
    for name in ("bank_code", "branch_code", "account_number", "holder_kana"):
        assert _typed(body, name) == {**ACCOUNT, **change}[name]
    assert bank_account_for(worker) is None
    assert _audits("bank_account.set") == before


def test_another_regions_worker_is_not_found(admin, fed, in_region, maker, same_pk):
    # A worker of beta under a key alpha has not used.
    same_pk(Worker, fed.alpha, fed.beta)
    with in_region(fed.beta):
        beta_worker = maker(acting_user=fed.user("beta_admin")).active_worker()
    with in_region(fed.alpha):
        assert admin.post(f"/workers/{beta_worker.pk}/bank-account/", ACCOUNT).status_code == 404
        assert admin.get(f"/workers/{beta_worker.pk}/").status_code == 404
    with in_region(fed.beta):
        assert bank_account_for(beta_worker) is None


# --- skills -------------------------------------------------------------------------------


def test_the_skills_page_lists_and_adds(admin, fed, in_region):
    code = "furusato-jimu"  # rolled back with the test
    with in_region(fed.alpha):
        page = admin.get("/workers/skills/").content.decode()
        assert _h1(page) == "スキル" and "スキルを追加" in page
        skill = {"code": code, "name": "ふるさと納税事務", "name_en": "Hometown-tax clerical work"}
        response = admin.post("/workers/skills/new/", skill)
        assert response.status_code == 302 and response["Location"] == "/workers/skills/"
        assert list(Skill.objects.filter(code=code).values_list("name", "name_en")) == [
            ("ふるさと納税事務", "Hometown-tax clerical work")
        ]
        listed = admin.get("/workers/skills/").content.decode()
        table = re.search(r'<table[^>]*id="skills".*?</table>', listed, re.S).group(0)
        assert f"<code>{code}</code>" in table and "ふるさと納税事務" in table
        assert "スキル「ふるさと納税事務」を追加しました。" in listed

        taken = admin.post("/workers/skills/new/", {**skill, "name": "別の名前"})
        assert taken.status_code == 200
        body = taken.content.decode()
        assert _field_error(body, "code").strip() == "<p>このコードのスキルはすでにあります。</p>"
        assert _typed(body, "name") == "別の名前"
        bad = admin.post("/workers/skills/new/", {**skill, "code": "空白 あり"})
        _field_error(bad.content.decode(), "code")
        assert _typed(bad.content.decode(), "code") == "空白 あり"
        assert Skill.objects.filter(code__in=[code, "空白 あり"]).count() == 1
        assert list(Skill.objects.filter(code=code).values_list("name", flat=True)) == [
            "ふるさと納税事務"
        ]
        # The worker form offers the new skill.
        assert f'value="{code}"' in admin.get("/workers/new/").content.decode()


# --- the response to an accommodation request ---------------------------------------------


def test_an_accommodation_request_is_answered_once(admin, worker):
    request = accommodation_request_record(
        worker=worker,
        requested_on=datetime.date(2023, 7, 3),
        kind="care",
        content="通院付き添いのため火曜午後は不可",
    )
    path = f"/payouts/freelance-act/requests/{request.pk}/respond/"
    page = admin.get(path).content.decode()
    assert _h1(page) == "配慮の申出への対応"
    assert "通院付き添いのため火曜午後は不可" in page

    early = admin.post(path, {"response": "火曜午後の割当を外す", "responded_on": "2023-07-01"})
    assert early.status_code == 200
    body = early.content.decode()
    assert "対応日は申出日より前にできません。" in _field_error(body, "responded_on")
    assert "火曜午後の割当を外す" in body  # the textarea keeps it
    assert accommodation_request_get(pk=request.pk).responded_on is None

    done = admin.post(path, {"response": "火曜午後の割当を外す", "responded_on": "2023-07-05"})
    assert done.status_code == 302 and done["Location"] == "/payouts/freelance-act/"
    answered = accommodation_request_get(pk=request.pk)
    assert (answered.response, answered.responded_on) == (
        "火曜午後の割当を外す",
        datetime.date(2023, 7, 5),
    )
    again = admin.get(path).content.decode()
    assert 'name="response"' not in again and "火曜午後の割当を外す" in again
