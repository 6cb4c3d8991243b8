"""How values read by a user are written: French dates, money in MAD, enum labels.

Every page formats through these helpers so a date or an amount looks the same everywhere
(``22/11/2026``, ``12 345,00 MAD``). The thousands separator is a plain space (what users type
and what the design documents show); the decimal separator is a comma.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from db.tz import BUSINESS_TZ
from ui.i18n import t

LOCAL_TZ: ZoneInfo | None = BUSINESS_TZ  # the pinned IANA copy (db.tz), never the system's

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
CURRENCY = "MAD"
# Widgets (st.date_input) spell the same format their own way.
WIDGET_DATE_FORMAT = "DD/MM/YYYY"
# Date pickers of the interventions' forms and filters: the calendar's range (Streamlit's
# default stops ten years around today, too short for deadlines and history).
WIDGET_DATE_BOUNDS: dict[str, Any] = {
    "min_value": date(2000, 1, 1),
    "max_value": date(2100, 12, 31),
}


def local_datetime(value: datetime) -> datetime:
    """``value`` in Moroccan local time (aware datetimes only; naive ones are kept)."""
    if value.tzinfo is not None and LOCAL_TZ is not None:
        return value.astimezone(LOCAL_TZ)
    return value


def fmt_date(value: date | datetime | None) -> str:
    """``dd/mm/yyyy``; empty string for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_datetime(value)
    return value.strftime(DATE_FORMAT)


def fmt_datetime(value: datetime | date | None) -> str:
    """``dd/mm/yyyy HH:MM`` in local time; a plain date is shown as a date."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return fmt_date(value)
    return local_datetime(value).strftime(DATETIME_FORMAT)


def _group(digits: str) -> str:
    """Insert a space every three digits from the right (``1234567`` → ``1 234 567``)."""
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return " ".join(out)


def fmt_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """French number: ``12 345,50`` (``decimals`` digits after the comma)."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, frac = f"{abs(number):f}".partition(".")
    text = _group(whole)
    if decimals:
        text += "," + frac.ljust(decimals, "0")[:decimals]
    return sign + text


def fmt_money(value: int | float | Decimal | None, currency: str = CURRENCY) -> str:
    """``12 345,00 MAD``; empty string for no amount."""
    if value is None:
        return ""
    return f"{fmt_number(value, 2)} {currency}"


def fmt_bool(value: bool | None) -> str:
    """Oui / Non."""
    if value is None:
        return ""
    return t("fmt.yes") if value else t("fmt.no")


def enum_label(enum_type: str, value: str | enum.Enum | None) -> str:
    """User label of an enum value, e.g. ``enum_label("statut_equipement", "panne")``.

    ``enum_type`` is the PostgreSQL type name; the catalogue key is ``enum.<type>.<value>``.
    An unknown value is shown as is rather than hidden.
    """
    if value is None:
        return ""
    raw = value.value if isinstance(value, enum.Enum) else str(value)
    key = f"enum.{enum_type}.{raw}"
    label = t(key)
    return raw if label == key else label


def enum_options(enum_type: str, values: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``{value: label}`` in the given order, ready for a selectbox ``format_func``."""
    return {v: enum_label(enum_type, v) for v in values}


# Characters that start Markdown (or Streamlit directive / HTML) syntax anywhere in a line, and
# the ones that do so only at the start of a line (headings, lists, quotes).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def md_escape(text: object) -> str:
    """Make user text safe inside ``st.markdown``: shown literally, never interpreted.

    Streamlit already refuses raw HTML without ``unsafe_allow_html``; this also neutralises
    Markdown (links, emphasis, headings, lists) so what a user typed is exactly what others
    read. Ordinary punctuation is left alone, so plain sentences stay unchanged.
    """
    if text is None:
        return ""
    escaped = _MD_INLINE.sub(r"\\\1", str(text))
    escaped = _MD_LINE_START.sub(r"\1\\\2", escaped)
    escaped = _MD_ORDERED.sub(r"\1\\\2", escaped)
    return escaped.replace("\n", "  \n")
