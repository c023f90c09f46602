r"""Check digits of Japanese public codes.

Digits are matched as ASCII `[0-9]`: Python's `\d` also matches full-width (２０２１５１) and
other Unicode digits, which would be stored as typed and never match the real code.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def municipality_code_is_valid(code: str) -> bool:
    """全国地方公共団体コード: five digits and a check digit (weights 6..2, mod 11)."""
    if not re.fullmatch(r"[0-9]{6}", code or ""):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(code[:5], (6, 5, 4, 3, 2), strict=True)
    )
    return (11 - total % 11) % 10 == int(code[5])


def validate_municipality_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        raise ValidationError(
            _("The municipality code must be 6 digits."), code="municipality_code_format"
        )
    if not municipality_code_is_valid(value):
        raise ValidationError(
            _("The municipality code's check digit is wrong."), code="municipality_code_check_digit"
        )


def corporate_number_is_valid(number: str) -> bool:
    """法人番号: a check digit followed by 12 digits (weights 1,2 alternating, mod 9)."""
    if not re.fullmatch(r"[0-9]{13}", number or ""):
        return False
    body = number[1:]
    total = sum(
        int(digit) * (1 if position % 2 else 2)
        for position, digit in enumerate(reversed(body), start=1)
    )
    return int(number[0]) == 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if not corporate_number_is_valid(value):
        raise ValidationError(
            _("The corporate number must be 13 digits with a valid check digit."),
            code="corporate_number_invalid",
        )


def validate_invoice_registration_number(value: str) -> None:
    """適格請求書発行事業者登録番号: T and 13 digits whose first is a check digit, as 法人番号."""
    if not re.fullmatch(r"T[0-9]{13}", value or ""):
        raise ValidationError(
            _("The invoice registration number must be T followed by 13 digits."),
            code="registration_number_format",
        )
    if not corporate_number_is_valid(value[1:]):
        raise ValidationError(
            _("The invoice registration number's check digit is wrong."),
            code="registration_number_check_digit",
        )
