"""Bad input is refused with the field and the rule, and a refusal writes nothing.

Municipality codes come from DOMAIN.md (each one checked here), corporate numbers from
the National Tax Agency's published 法人番号 of the agency itself (7000012050002).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kado_platform.accounts.models import Membership, User
from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_platform.core.validators import (
    corporate_number_is_valid,
    municipality_code_is_valid,
    validate_corporate_number,
    validate_invoice_registration_number,
    validate_municipality_code,
)
from kado_platform.regions.codes import validate_region_code
from kado_platform.regions.models import Domain, Region
from kado_platform.regions.services import region_create

DOMAIN_MUNICIPALITY_CODES = {
    "202151": "塩尻市 Shiojiri",
    "202029": "松本市 Matsumoto",
    "212067": "中津川市 Nakatsugawa",
    "203246": "立科町 Tateshina",
    "202207": "安曇野市 Azumino",
    "202126": "大町市 Omachi",
    "152161": "糸魚川市 Itoigawa",
    "203831": "箕輪町 Minowa",
    "012157": "美唄市 Bibai",
    "324485": "川本町 Kawamoto",
    "432156": "天草市 Amakusa",
}
# Published codes outside DOMAIN.md whose checksum remainder is 0 (静岡県, 岡山県), which
# proves the rule (11 - sum mod 11) mod 10 rather than "remainder 0 gives 0".
REMAINDER_ZERO_CODES = ["220001", "330001"]

NTA_CORPORATE_NUMBER = "7000012050002"  # 国税庁


def snapshot():
    """Everything a region_create could leave behind, counted."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata ORDER BY 1")
        schemas = [row[0] for row in cursor.fetchall()]
    return {
        "regions": Region.objects.count(),
        "domains": Domain.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEntry.objects.count(),
        "schemas": schemas,
    }


# Municipality codes -------------------------------------------------------------------


@pytest.mark.parametrize("code", [*DOMAIN_MUNICIPALITY_CODES, *REMAINDER_ZERO_CODES])
def test_published_municipality_codes_are_valid(code):
    assert municipality_code_is_valid(code)
    validate_municipality_code(code)


@pytest.mark.parametrize("code", DOMAIN_MUNICIPALITY_CODES)
def test_every_other_check_digit_is_refused(code):
    for digit in "0123456789":
        if digit == code[5]:
            continue
        wrong = code[:5] + digit
        assert not municipality_code_is_valid(wrong)
        with pytest.raises(ValidationError) as caught:
            validate_municipality_code(wrong)
        assert caught.value.code == "municipality_code_check_digit"


@pytest.mark.parametrize(
    "code",
    [
        "",
        "20215",  # the 5-digit JIS code without its check digit
        "2021510",
        "20215a",
        "abcdef",
        "20 215",
        " 202151",
        "202151\n",
        "２０２１５１",  # full-width digits
        "٢٠٢١٥١",  # Arabic-Indic digits
    ],
)
def test_malformed_municipality_codes_are_refused_as_format(code):
    assert not municipality_code_is_valid(code)
    with pytest.raises(ValidationError) as caught:
        validate_municipality_code(code)
    assert caught.value.code == "municipality_code_format"


# Corporate numbers and invoice registration numbers ------------------------------------


def test_the_national_tax_agencys_corporate_number_is_valid():
    assert corporate_number_is_valid(NTA_CORPORATE_NUMBER)
    validate_corporate_number(NTA_CORPORATE_NUMBER)


@pytest.mark.parametrize(
    "number",
    [
        "8000012050002",  # wrong check digit
        "0000012050002",
        "7000012050003",  # a changed body digit
        "700001205000",  # 12 digits
        "70000120500020",  # 14 digits
        "T7000012050002",  # that is the invoice form
        "７000012050002",  # a full-width digit
        "700001205000x",
        "",
    ],
)
def test_bad_corporate_numbers_are_refused(number):
    assert not corporate_number_is_valid(number)
    with pytest.raises(ValidationError) as caught:
        validate_corporate_number(number)
    assert caught.value.code == "corporate_number_invalid"


def test_an_invoice_registration_number_is_t_and_a_corporate_number():
    validate_invoice_registration_number("T" + NTA_CORPORATE_NUMBER)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (NTA_CORPORATE_NUMBER, "registration_number_format"),  # no T
        ("t" + NTA_CORPORATE_NUMBER, "registration_number_format"),
        ("Ｔ" + NTA_CORPORATE_NUMBER, "registration_number_format"),
        ("T " + NTA_CORPORATE_NUMBER, "registration_number_format"),
        ("T700001205000", "registration_number_format"),
        ("T７000012050002", "registration_number_format"),
        ("T8000012050002", "registration_number_check_digit"),
        ("T7000012050003", "registration_number_check_digit"),
    ],
)
def test_bad_invoice_registration_numbers_are_refused(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_invoice_registration_number(number)
    assert caught.value.code == code


# Region codes ---------------------------------------------------------------------------

RESERVED = ["public", "www", "admin", "api", "static", "ab--cd", "abc-"]
MALFORMED = [
    "Alpha",
    "ALPHA",
    "a",
    "1abc",
    "-abc",
    "abc_def",
    "a;drop schema public",
    "x'--",
    'a"b',
    "a b",
    "a" * 32,
    "",
    "地域",
    "ａｌｐｈａ",  # full-width letters
    "alphа",  # the last letter is Cyrillic
    "région",
    "pg_catalog",
    "region_template",
]


@pytest.mark.parametrize("code", RESERVED)
def test_reserved_region_codes_are_refused(code):
    with pytest.raises(ValidationError) as caught:
        validate_region_code(code)
    assert caught.value.code == "region_code_reserved"


@pytest.mark.parametrize("code", MALFORMED)
def test_unsafe_region_codes_are_refused(code):
    with pytest.raises(ValidationError) as caught:
        validate_region_code(code)
    assert caught.value.code == "region_code_format"


@pytest.mark.parametrize("code", ["ab", "a" * 31, "shiojiri", "kiso-3", "x1-y2"])
def test_safe_region_codes_pass(code):
    validate_region_code(code)


def _create(code, **overrides):
    arguments = {
        "code": code,
        "name": "ガンマ村",
        "name_en": "Gamma Village",
        "municipality_code": "203246",
        "admin_email": "admin@gamma.test",
        "admin_password": "kado-test-pass-2026",
        **overrides,
    }
    return region_create(**arguments)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        *((code, {"region_code_reserved"}) for code in RESERVED),
        *((code, {"region_code_format", "blank"}) for code in MALFORMED),
        ("alpha", {"unique", "schema_exists"}),  # made by the session fixture
        ("beta", {"unique", "schema_exists"}),
    ],
)
def test_region_create_refuses_bad_codes_and_writes_nothing(fed, code, expected):
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        _create(code)
    assert caught.value.field == "code"
    assert caught.value.code in expected
    assert caught.value.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"municipality_code": "202152"}, "municipality_code", "municipality_code_check_digit"),
        ({"municipality_code": "２０２１５１"}, "municipality_code", "municipality_code_format"),
        ({"municipality_code": "20215"}, "municipality_code", "municipality_code_format"),
        ({"name": ""}, "name", "blank"),
        ({"name_en": "   "}, "name_en", "blank"),
        ({"name": "x" * 101}, "name", "max_length"),
        ({"prefecture": "77"}, "prefecture", "invalid_choice"),
        ({"kind": "empire"}, "kind", "invalid_choice"),
        ({"kind": "federation"}, "kind", "region_kind"),
        ({"admin_email": "not-an-email"}, "email", "email_invalid"),
        ({"admin_email": ""}, "email", "email_invalid"),
        ({"admin_password": "12345678"}, "password", "password_weak"),
    ],
)
def test_region_create_refuses_bad_fields_and_writes_nothing(fed, overrides, field, code):
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        _create("gamma", **overrides)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert snapshot() == before


def test_a_blank_municipality_code_is_a_group_of_towns(fed):
    region = _create("gamma", municipality_code="")
    assert region.municipality_code == ""
