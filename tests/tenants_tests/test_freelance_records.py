"""Reading the Freelance Act records back: accommodation requests (art. 13) newest first,
by worker, and those still awaiting a response; ends of relationships (art. 16) newest
notice first; each with its worker in the same query."""

from __future__ import annotations

import datetime

from kado_tenants.payouts.selectors import accommodation_request_list, relationship_end_list
from kado_tenants.payouts.services import (
    accommodation_request_record,
    accommodation_request_respond,
    relationship_end,
)

D = datetime.date


def _request(worker, day, *, kind="childcare", answered_on=None):
    return accommodation_request_record(
        worker=worker,
        requested_on=day,
        kind=kind,
        content="保育園のお迎え",
        response="作業時間を調整" if answered_on else "",
        responded_on=answered_on,
    )


def test_accommodation_requests_newest_first_by_worker_and_awaiting_a_response(make):
    hanako = make.assignment().worker
    taro = make.assignment().worker
    older = _request(hanako, D(2023, 7, 1), answered_on=D(2023, 7, 3))
    newest = _request(taro, D(2023, 9, 1), kind="care")
    same_day_first = _request(hanako, D(2023, 8, 1))
    same_day_second = _request(taro, D(2023, 8, 1), answered_on=D(2023, 8, 2))

    assert list(accommodation_request_list()) == [
        newest,
        same_day_second,  # the same day: the later record first
        same_day_first,
        older,
    ]
    assert list(accommodation_request_list(worker=hanako)) == [same_day_first, older]
    assert list(accommodation_request_list(worker=taro.pk)) == [newest, same_day_second]
    assert list(accommodation_request_list(open_only=True)) == [newest, same_day_first]
    assert list(accommodation_request_list(worker=taro, open_only=True)) == [newest]

    accommodation_request_respond(
        request=newest, response="介護の日は休業", responded_on=D(2023, 9, 2)
    )
    assert list(accommodation_request_list(open_only=True)) == [same_day_first]
    assert list(accommodation_request_list(worker=taro, open_only=True)) == []


def test_relationship_ends_newest_notice_first_by_worker(make):
    hanako = make.assignment().worker
    taro = make.assignment().worker
    first = relationship_end(worker=hanako, notified_on=D(2023, 6, 1), ends_on=D(2023, 6, 10))
    later = relationship_end(
        worker=taro, notified_on=D(2023, 12, 1), ends_on=D(2023, 12, 2), exception="disaster"
    )
    again = relationship_end(worker=hanako, notified_on=D(2023, 12, 1), ends_on=D(2024, 1, 31))

    assert list(relationship_end_list()) == [again, later, first]
    assert list(relationship_end_list(worker=hanako)) == [again, first]
    assert list(relationship_end_list(worker=taro.pk)) == [later]


def test_the_worker_comes_in_the_same_query(make, count_queries):
    for _ in range(3):
        worker = make.assignment().worker
        _request(worker, D(2023, 8, 1))
        relationship_end(worker=worker, notified_on=D(2023, 7, 1), ends_on=D(2023, 7, 31))

    with count_queries() as queries:
        names = [request.worker.name for request in accommodation_request_list(open_only=True)]
    assert len(names) == 3 and queries.value == 1
    with count_queries() as queries:
        names = [end.worker.name for end in relationship_end_list()]
    assert len(names) == 3 and queries.value == 1
