"""フリーランス法の記録 on a region's pages: region admins see the accommodation requests
(and which await a response) and the ends of relationships of their own region only;
staff, other regions' admins and federation roles are refused."""

from __future__ import annotations

import datetime

import pytest

from kado_tenants.payouts.models import AccommodationRequest, RelationshipEnd
from kado_tenants.payouts.services import accommodation_request_record, relationship_end
from kado_tenants.workforce.selectors import worker_get

D = datetime.date
PAGE = "/payouts/freelance-act/"


@pytest.fixture
def records(fed, in_region, maker):
    make = maker(acting_user=fed.user("alpha_admin"))
    with in_region(fed.alpha):
        order = make.order()
        hanako = make.assignment(order=order, worker=make.active_worker(name="記録 花子")).worker
        taro = make.assignment(order=order, worker=make.active_worker(name="記録 太郎")).worker
        accommodation_request_record(
            worker=hanako,
            requested_on=D(2023, 6, 1),
            kind="care",
            content="通院の付き添い",
            response="納期を1週間延長",
            responded_on=D(2023, 6, 3),
        )
        accommodation_request_record(
            worker=taro, requested_on=D(2023, 12, 1), kind="childcare", content="保育園のお迎え"
        )
        relationship_end(
            worker=hanako, notified_on=D(2023, 12, 1), ends_on=D(2023, 12, 2), exception="disaster"
        )
        relationship_end(worker=taro, notified_on=D(2023, 7, 25), ends_on=D(2023, 8, 1))
    return {"hanako": hanako, "taro": taro}


def _rows(body: str, heading: str) -> str:
    """The part of the page from a section's heading to the next one (or the end)."""
    start = body.index(f">{heading}</h2>")
    end = body.find("<h2", start + 1)
    return body[start : end if end != -1 else len(body)]


def test_the_admin_sees_both_lists_in_japanese(fed, web, records):
    admin = web(fed.alpha, fed.user("alpha_admin"))
    response = admin.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>フリーランス法の記録</h1>" in body
    requests = _rows(body, "育児介護等の配慮の申出")
    ends = _rows(body, "契約の解除・不更新の予告")
    for heading in ("申出日", "テレワーカー", "種別", "継続的業務委託", "対応日"):
        assert f">{heading}</th>" in requests
    # Newest first: 太郎's open request, then 花子's answered one.
    assert requests.index("記録 太郎") < requests.index("記録 花子")
    assert "2023年12月1日" in requests and "育児" in requests and "未回答" in requests
    assert "2023年6月3日" in requests and "介護" in requests
    assert requests.count(">未回答</span>") == 1
    for heading in ("予告日", "終了日", "テレワーカー", "予告の例外事由"):
        assert f">{heading}</th>" in ends
    assert ends.index("記録 花子") < ends.index("記録 太郎")
    assert "天災その他やむを得ない事由" in ends and "2023年8月1日" in ends
    # What was asked and answered is not listed here.
    assert "保育園" not in body and "通院" not in body and "納期" not in body
    assert "ベータ" not in body

    awaiting = admin.get(PAGE, {"awaiting": "1"}).content.decode()
    requests = _rows(awaiting, "育児介護等の配慮の申出")
    assert "記録 太郎" in requests and "記録 花子" not in requests
    assert "2023年6月3日" not in requests
    assert 'name="awaiting" value="1" checked' in awaiting
    assert "記録 花子" in _rows(awaiting, "契約の解除・不更新の予告")


def test_the_navigation_links_the_page_for_admins_only(fed, web):
    admin = web(fed.alpha, fed.user("alpha_admin")).get("/dashboard/").content.decode()
    assert f'href="{PAGE}"' in admin and "フリーランス法の記録" in admin
    staff = web(fed.alpha, fed.user("alpha_staff")).get("/dashboard/").content.decode()
    assert f'href="{PAGE}"' not in staff and "フリーランス法の記録" not in staff


def test_everyone_but_the_regions_admins_is_refused(fed, web, records):
    assert web(fed.alpha, fed.user("alpha_staff")).get(PAGE).status_code == 403
    # Another region's admin with a session forced onto alpha.
    assert web(fed.alpha, fed.user("beta_admin")).get(PAGE).status_code == 403
    for key in ("coordinator", "leader", "operator"):
        assert web(fed.alpha, fed.user(key)).get(PAGE).status_code == 403
        assert web(fed.hub, fed.user(key)).get(PAGE).status_code == 404
    anonymous = web(fed.alpha).get(PAGE)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_colliding_keys_show_only_the_host_regions_rows(fed, web, in_region, same_pk):
    request_pk = same_pk(AccommodationRequest, fed.alpha, fed.beta)
    end_pk = same_pk(RelationshipEnd, fed.alpha, fed.beta)
    for region in (fed.alpha, fed.beta):
        with in_region(region):
            worker = worker_get(pk=1)  # the seed's 花子, assigned on 2023-05-02
            made = accommodation_request_record(
                worker=worker, requested_on=D(2023, 9, 1), kind="care", content="介護"
            )
            end = relationship_end(
                worker=worker,
                notified_on=D(2023, 9, 1),
                ends_on=D(2023, 9, 5),
                exception="disaster",
            )
            assert (made.pk, end.pk) == (request_pk, end_pk)

    for region, own, other in (
        (fed.alpha, "アルファ 花子", "ベータ"),
        (fed.beta, "ベータ 花子", "アルファ"),
    ):
        admin_key = f"{region.code}_admin"
        body = web(region, fed.user(admin_key)).get(PAGE).content.decode()
        assert _rows(body, "育児介護等の配慮の申出").count(own) == 1
        assert _rows(body, "契約の解除・不更新の予告").count(own) == 1
        assert other not in body
