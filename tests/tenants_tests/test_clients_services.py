"""Clients: creation, updates and the list the pages and GraphQL read."""

import pytest

from kado_platform.audit.models import AuditEntry
from kado_tenants.clients.models import Client, ClientKind
from kado_tenants.clients.selectors import client_get, client_list
from kado_tenants.clients.services import client_create, client_update

CORPORATE_NUMBER = "7000012050002"


def test_client_create_stores_the_row_and_audits_no_contact_data(alpha, admin):
    client = client_create(
        name=" 塩尻市役所 ",
        kind=ClientKind.MUNICIPALITY,
        name_kana="シオジリシヤクショ",
        corporate_number=CORPORATE_NUMBER,
        contact_name="担当 一郎",
        email="Ichiro@City.Example.jp",
        phone="0263-52-0280",
        acting_user=admin,
    )
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.name, fresh.kind, fresh.email) == (
        "塩尻市役所",
        "municipality",
        "ichiro@city.example.jp",
    )
    entry = AuditEntry.objects.get(action="client.create", object_id=str(client.pk))
    assert (entry.actor, entry.region_code) == (admin, "alpha")
    assert entry.changes == {"kind": "municipality"}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": ""}, "blank", "name"),
        ({"kind": "charity"}, "invalid_choice", "kind"),
        ({"kind": ""}, "blank", "kind"),
        ({"corporate_number": "1234567890123"}, "corporate_number_invalid", "corporate_number"),
        ({"corporate_number": "700001205000"}, "corporate_number_invalid", "corporate_number"),
        ({"email": "nobody"}, "invalid", "email"),
    ],
)
def test_client_create_refusals(alpha, refused, overrides, code, field):
    values = {"name": "株式会社松本", "kind": ClientKind.LOCAL_COMPANY, **overrides}
    refused(lambda: client_create(**values), code=code, field=field)


def test_client_update_audits_kind_values_and_other_field_names(alpha, admin):
    client = client_create(name="株式会社大町", kind=ClientKind.LOCAL_COMPANY)
    client_update(
        client=client,
        kind=ClientKind.URBAN_COMPANY,
        contact_name="新しい 担当",
        name="株式会社大町",  # unchanged: not audited
        acting_user=admin,
    )
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.kind, fresh.contact_name) == ("urban_company", "新しい 担当")
    entry = AuditEntry.objects.get(action="client.update", object_id=str(client.pk))
    assert entry.changes == {
        "kind": ["local_company", "urban_company"],
        "contact_name": "changed",
    }
    assert "担当" not in str(entry.changes)


def test_client_update_with_nothing_changed_writes_nothing(alpha):
    client = client_create(name="株式会社大町", kind=ClientKind.LOCAL_COMPANY)
    audits = AuditEntry.objects.count()
    client_update(client=client, name=" 株式会社大町 ")
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"created_at": None}, "field_unknown", "created_at"),
        ({"orders": []}, "field_unknown", "orders"),
        ({"kind": "nope"}, "invalid_choice", "kind"),
        ({"corporate_number": "0000000000000"}, "corporate_number_invalid", "corporate_number"),
        ({"name": " "}, "blank", "name"),
    ],
)
def test_client_update_refusals_leave_the_row_as_it_was(alpha, refused, changes, code, field):
    client = client_create(name="株式会社大町", kind=ClientKind.LOCAL_COMPANY)
    refused(lambda: client_update(client=client, **changes), code=code, field=field)
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.name, fresh.kind, fresh.corporate_number) == ("株式会社大町", "local_company", "")
    assert (client.name, client.kind) == ("株式会社大町", "local_company")


def test_client_list_filters_searches_and_counts_orders(alpha, make):
    city = client_create(name="安曇野市", name_kana="アズミノシ", kind=ClientKind.MUNICIPALITY)
    firm = client_create(
        name="株式会社地図",
        name_kana="チズ",
        kind=ClientKind.URBAN_COMPANY,
        corporate_number=CORPORATE_NUMBER,
    )
    make.order(client=firm)
    make.order(client=firm)
    municipalities = list(client_list(kind="municipality"))
    assert city in municipalities and firm not in municipalities
    assert {c.kind for c in municipalities} == {"municipality"}
    assert list(client_list(search="アズミノ")) == [city]
    assert list(client_list(search=CORPORATE_NUMBER)) == [firm]
    counted = {c.pk: c.order_count for c in client_list(with_order_counts=True)}
    assert (counted[city.pk], counted[firm.pk]) == (0, 2)
    assert client_get(pk=firm.pk) == firm
    assert client_get(pk=-5) is None
