"""Checks of user input shared by every service: text, numbers, money, dates, choices.

Anything a user sends (form fields, URL parameters, file cells, list filters) goes through one
of these before it reaches SQL. Each function returns the cleaned value or raises
``db.errors.ServiceError(message, field=...)`` with a French message that names the field, so
the page can show it beside the widget. Nothing here touches the database or streamlit.

Why each rule exists:

* PostgreSQL refuses NUL bytes in text and psycopg cannot encode lone surrogates ('\\ud800'):
  both would otherwise surface as raw driver errors. Other control characters break CSV
  exports and terminals, so they are refused too (tab and line breaks stay allowed).
* Integer columns and ids are ``int4``: a value beyond 2**31-1 is an SQL error, not "not found".
* Money columns are ``NUMERIC(p, s)``: beyond 10**(p-s) the database raises; ``inf`` / ``nan``
  are never amounts.
* Dates are bounded so that nothing absurd is stored (an installation in 2100 with a 50-year
  warranty) and date arithmetic never overflows Python's year 9999.
* Messages quote user input only through ``echo``: trimmed, printable, never a lone surrogate
  (a message that cannot be encoded would break the page that shows it).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from db.errors import ServiceError
from db.tz import BUSINESS_TZ as BUSINESS_TZ  # re-exported: pages take the zone from here

INT4_MAX = 2**31 - 1
MIN_DATE = date(1900, 1, 1)
# Dates a user may ask about (filters, report periods): wide, but far from year 9999 so that
# "date + a few months" can never overflow.
MAX_QUERY_DATE = date(2200, 12, 31)
MAX_SEARCH_LENGTH = 200
MAX_ECHO = 60

# Control characters other than tab / newline / carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def business_today() -> date:
    """Current business day in Morocco (the reference for "not in the future" rules)."""
    return datetime.now(BUSINESS_TZ).date()


def fmt_int(n: int) -> str:
    """``12 345``: French thousands separator, for messages."""
    return f"{n:,}".replace(",", " ")


def fmt_date(d: date) -> str:
    """``31/12/2100``, for messages."""
    return d.strftime("%d/%m/%Y")


def echo(value: Any, limit: int = MAX_ECHO) -> str:
    """User input as it may be quoted in a message: printable, short, always encodable."""
    s = value if isinstance(value, str) else repr(value)
    s = s.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates → '?'
    s = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in s).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _refuse(field: str, message: str) -> ServiceError:
    return ServiceError(message, field=field, rule="validation")


# ------------------------------------------------------------------------------------ text


def is_encodable(s: str) -> bool:
    """False when ``s`` holds a lone surrogate (psycopg could not send it)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(
    value: Any,
    *,
    field: str,
    label: str,
    max_len: int | None = None,
    required: bool = False,
) -> str | None:
    """Trimmed text (empty → None), refused when it holds NUL / control characters or lone
    surrogates, or is longer than the column (``max_len`` characters, as PostgreSQL counts)."""
    if value is None:
        s = ""
    elif isinstance(value, str):
        s = value
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        s = str(value)  # a number typed in a text cell of a spreadsheet
    elif isinstance(value, float) and math.isfinite(value):
        s = str(value)
    else:
        raise _refuse(field, f"{label} : texte attendu.")
    if not is_encodable(s):
        raise _refuse(field, f"{label} : caractères invalides (texte mal encodé).")
    if _CONTROL.search(s):
        raise _refuse(field, f"{label} : caractères de contrôle non autorisés.")
    s = s.strip()
    if not s:
        if required:
            raise _refuse(field, f"{label} : champ obligatoire.")
        return None
    if max_len is not None and len(s) > max_len:
        raise _refuse(
            field,
            f"{label} : {fmt_int(max_len)} caractères au maximum ({fmt_int(len(s))} saisis).",
        )
    return s


def clean_search(value: Any, *, field: str = "q", label: str = "Recherche") -> str:
    """Search text: like ``clean_text`` with a length fit for a search box; '' when empty."""
    return clean_text(value, field=field, label=label, max_len=MAX_SEARCH_LENGTH) or ""


# ------------------------------------------------------------------------------------ numbers


def _number(value: Any, field: str, label: str, invalid: str) -> Decimal | None:
    """``value`` as a finite Decimal (None when empty); ints stay exact."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _refuse(field, invalid)
    try:
        number = parse_decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise _refuse(field, invalid) from None
    if number is None:
        return None
    if not number.is_finite():  # before any comparison: sNaN raises on comparison
        raise _refuse(field, invalid)
    return number


def clean_int(
    value: Any,
    *,
    field: str,
    label: str,
    min_value: int = 0,
    max_value: int = INT4_MAX,
    required: bool = False,
    negative_message: str | None = None,
) -> int | None:
    """A whole number within ``min_value .. max_value`` (an ``int4`` by default)."""
    invalid = f"{label} : nombre entier attendu."
    number = _number(value, field, label, invalid)
    if number is None:
        if required:
            raise _refuse(field, f"{label} : champ obligatoire.")
        return None
    # Range first: int() of 1E+999999 would build a million-digit integer.
    if number < min_value:
        raise _refuse(
            field,
            negative_message
            if negative_message and number < 0
            else f"{label} : {fmt_int(min_value)} au minimum.",
        )
    if number > max_value:
        raise _refuse(field, f"{label} : {fmt_int(max_value)} au maximum.")
    if number != number.to_integral_value():
        raise _refuse(field, invalid)
    return int(number)


def clean_id(value: Any, *, field: str, label: str) -> int:
    """A record id: a whole number from 1 to 2**31-1 (``int4`` keys)."""
    message = f"{label} : identifiant invalide."
    if isinstance(value, str):
        value = value.strip()
    try:
        number = clean_int(value, field=field, label=label, min_value=1)
    except ServiceError:
        raise _refuse(field, message) from None
    if number is None:
        raise _refuse(field, message)
    return number


def clamp_int(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    """A whole number forced into ``low .. high`` (page numbers and sizes).

    Out-of-range numbers are clamped (``page=1e20`` shows the last possible page rather than an
    error); what is not a finite number at all is refused.
    """
    invalid = f"{label} : nombre entier attendu."
    number = _number(value, field, label, invalid)
    if number is None:
        raise _refuse(field, invalid)
    if number < low:
        return low
    if number > high:
        return high
    if number != number.to_integral_value():
        raise _refuse(field, invalid)
    return int(number)


def clean_money(
    value: Any,
    *,
    field: str,
    label: str,
    precision: int = 14,
    scale: int = 2,
) -> Decimal | None:
    """An amount ≥ 0 fitting ``NUMERIC(precision, scale)``, rounded to ``scale`` decimals."""
    invalid = f"{label} : montant invalide."
    amount = _number(value, field, label, invalid)
    if amount is None:
        return None
    if amount < 0:
        raise _refuse(field, f"{label} : le montant ne peut pas être négatif.")
    limit = Decimal(10) ** (precision - scale)
    if amount >= limit:
        raise _refuse(field, f"{label} : montant trop élevé.")
    rounded = amount.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    if rounded >= limit:  # 999 999 999 999,995 rounds up out of the column
        raise _refuse(field, f"{label} : montant trop élevé.")
    return rounded


def clean_bool(value: Any, *, field: str, label: str) -> bool:
    """A true boolean (a string such as "false" would otherwise be truthy)."""
    if not isinstance(value, bool):
        raise _refuse(field, f"{label} : oui ou non attendu.")
    return value


# ------------------------------------------------------------------------------------ dates


def clean_date(
    value: Any,
    *,
    field: str,
    label: str,
    earliest: date = MIN_DATE,
    latest: date = MAX_QUERY_DATE,
    too_late: str | None = None,
) -> date | None:
    """A date (``date``, ``datetime``, ``jj/mm/aaaa`` or ``aaaa-mm-jj``) within bounds."""
    if isinstance(value, float) and not math.isfinite(value):
        raise _refuse(field, f"{label} : date invalide (format jj/mm/aaaa).")
    if isinstance(value, str) and not is_encodable(value):
        raise _refuse(field, f"{label} : date invalide (format jj/mm/aaaa).")
    try:
        d = parse_date(value)
    except (ValueError, TypeError, OverflowError):
        raise _refuse(field, f"{label} : date invalide (format jj/mm/aaaa).") from None
    if d is None:
        return None
    if d < earliest:
        raise _refuse(field, f"{label} : date hors limites (pas avant le {fmt_date(earliest)}).")
    if d > latest:
        raise _refuse(
            field, too_late or f"{label} : date hors limites (pas après le {fmt_date(latest)})."
        )
    return d


def clean_datetime(value: Any, *, field: str, label: str) -> datetime | None:
    """An instant (``datetime``; naive ones are read in Morocco's time zone) within the years
    the application handles."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise _refuse(field, f"{label} : date et heure attendues.")
    if value.tzinfo is None:
        value = value.replace(tzinfo=BUSINESS_TZ)
    if not MIN_DATE <= value.date() <= MAX_QUERY_DATE:
        raise _refuse(field, f"{label} : date hors limites.")
    return value


def parse_date(value: Any) -> date | None:
    """A date from a ``date``/``datetime`` or text ``jj/mm/aaaa`` / ``aaaa-mm-jj``
    (``ValueError`` when it is none of these)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("format attendu jj/mm/aaaa")
    s = value.strip()
    if not s:
        return None
    m = _DATE_FR.match(s)
    parts = (int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None
    if parts is None:
        m = _DATE_ISO.match(s[:10]) if len(s) >= 8 else None
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    if parts is None:
        raise ValueError("format attendu jj/mm/aaaa")
    return date(*parts)


def parse_decimal(value: Any) -> Decimal | None:
    """A decimal from a number or French text (``12 345,50``, ``12345.50``, ``125000 MAD``)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise ValueError("nombre attendu")
    s = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    s = s.removesuffix("MAD").strip()
    if not s:
        return None
    if "," in s and "." in s:  # 12.345,50 → thousands dots
        s = s.replace(".", "")
    s = s.replace(",", ".")
    return Decimal(s)


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months (end of month clamped, like PostgreSQL)."""
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def days_later(d: date, days: int, *, field: str, label: str) -> date:
    """``d`` + ``days``, refused (not an ``OverflowError``) beyond year 9999."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise _refuse(field, f"{label} : date hors limites.") from None


# ------------------------------------------------------------------------------------ choices


def fold(s: str) -> str:
    """Lower case without accents, spaces as '_': tolerant matching of typed labels."""
    decomposed = unicodedata.normalize("NFKD", s.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(" ", "_")


def clean_choice(
    value: Any, *, field: str, label: str, choices: Mapping[str, str], tolerant: bool = True
) -> str | None:
    """One of ``choices`` (value → French label); typed labels match when ``tolerant``.

    Enum members (``StrEnum``) are accepted as their value. Empty → None.
    """
    raw = getattr(value, "value", value)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or not is_encodable(raw) or "\x00" in raw:
        raise _refuse(field, f"{label} : valeur inconnue « {echo(raw)} ».")
    if raw in choices:
        return raw
    if tolerant:
        folded = fold(raw)
        for choice, choice_label in choices.items():
            if folded in (choice, fold(choice_label)):
                return choice
    raise _refuse(field, f"{label} : valeur inconnue « {echo(raw)} ».")


def clean_choices(
    values: Any, *, field: str, label: str, choices: Mapping[str, str]
) -> tuple[str, ...]:
    """Several of ``choices`` (a list filter): every value must be known; duplicates dropped."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, bytes | Mapping):
        raise _refuse(field, f"{label} : liste de valeurs attendue.")
    out: list[str] = []
    for value in values:
        found = clean_choice(value, field=field, label=label, choices=choices, tolerant=False)
        if found is None:
            raise _refuse(field, f"{label} : valeur vide.")
        if found not in out:
            out.append(found)
    return tuple(out)


def clean_sort(
    sort: Any, *, keys: Iterable[str], default: tuple[str, bool], field: str = "sort"
) -> tuple[str, bool]:
    """``(key, descending)`` with ``key`` from the whitelist ``keys``.

    An unknown key falls back to ``default`` (a stale choice kept by the page must not break
    the list); a value that is not a ``(text, boolean)`` pair is refused.
    """
    if sort is None:
        return default
    if not isinstance(sort, tuple | list) or len(sort) != 2:
        raise _refuse(field, "Tri : choix invalide.")
    key, descending = sort
    if not isinstance(descending, bool) or not isinstance(key, str):
        raise _refuse(field, "Tri : choix invalide.")
    return (key if key in set(keys) else default[0], descending)
