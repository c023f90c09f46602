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
