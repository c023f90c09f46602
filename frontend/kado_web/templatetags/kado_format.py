"""Japanese formats for the pages: yen, minutes, fiscal years, and form fields."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _is_japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


@register.filter
def yen(value):
    """1234 → 1,234円 (Japanese) or ¥1,234 (English). Money is whole yen."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return value
    text = f"{amount:,}"
    return f"{text}円" if _is_japanese() else f"¥{text}"


@register.filter
def number(value):
    """Thousands separators for counts and minutes."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.filter
def hours_minutes(value):
    """750 → 12時間30分 / 12 h 30 min."""
    try:
        total = int(value)
    except (TypeError, ValueError):
        return value
    hours, minutes = divmod(total, 60)
    if hours and minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": f"{hours:,}", "minutes": minutes}
    if hours:
        return _("%(hours)s h") % {"hours": f"{hours:,}"}
    return _("%(minutes)s min") % {"minutes": minutes}


@register.filter
def fiscal_year(value):
    """2020 → 2020年度 / FY2020."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return value
    return _("FY%(year)s") % {"year": year}


@register.filter
def percent_of(part, whole):
    """Whole percent of part in whole, capped at 100, for progress bars."""
    try:
        part, whole = int(part), int(whole)
    except (TypeError, ValueError):
        return 0
    if whole <= 0:
        return 0
    return min(100, part * 100 // whole)


@register.simple_tag
def widget(field, **attrs):
    """Render a field's widget with extra attributes (Django adds aria-invalid and
    aria-describedby pointing at `<id>_error` and `<id>_helptext`)."""
    merged = {key.replace("_", "-"): value for key, value in attrs.items()}
    return field.as_widget(attrs=merged)


@register.filter
def weekday_name(value):
    """0 → 月曜日 / Monday (0 is Monday, as in the availability windows)."""
    from django.utils.dates import WEEKDAYS

    try:
        return WEEKDAYS[int(value)]
    except (TypeError, ValueError, KeyError):
        return value


@register.filter
def clock(value):
    """Minutes after midnight → 9:00."""
    try:
        hours, minutes = divmod(int(value), 60)
    except (TypeError, ValueError):
        return value
    return f"{hours}:{minutes:02d}"


@register.filter
def era(value):
    """2020 → 令和2年度; 2019 → 令和元年度 (Reiwa 2 / Reiwa 1 in English)."""
    from kado_web.japanese import era_label

    try:
        return era_label(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def fiscal_year_era(value):
    """2020 → 2020年度（令和2年度）/ FY2020 (Reiwa 2)."""
    from kado_web.japanese import fiscal_year_label

    try:
        return fiscal_year_label(int(value))
    except (TypeError, ValueError):
        return value


def _choice_sets():
    from kado_tenants.clients.choices import ClientKind
    from kado_tenants.orders.categories import Category
    from kado_tenants.orders.choices import ContractType
    from kado_tenants.orders.lifecycle import OrderStatus

    return {
        "client_kind": dict(ClientKind.choices),
        "category": dict(Category.choices),
        "contract_type": dict(ContractType.choices),
        "order_status": dict(OrderStatus.choices),
    }


@register.filter
def choice_label(value, kind):
    """A stored choice value as its label in the user's language: "municipality" → 自治体."""
    return _choice_sets().get(kind, {}).get(value, value)
