"""Export the *whole filtered set* of a list to CSV or Excel, streamed from the database.

The service gives the rows chunk by chunk, the file is written row by row (XlsxWriter in
constant-memory mode), and a progress bar follows long exports::

    export_buttons(
        key="equip.export",
        actor=actor,
        fetch_chunk=export_chunk_equipements,   # fetch_chunk(*, session, filters, sort, after,
                                                #   chunk_size) -> (rows, next ``after`` | None)
        filters=filters,
        sort=result.sort,
        total=result.total,                     # from the list: no extra COUNT
        columns=EXPORT_COLUMNS,                 # ui.table.Column, same formats as the list
        file_stem="equipements",
    )

With ``fetch_chunk`` (keyset reads) every chunk is read in a short transaction of its own: an
export of 100,000 rows holds no snapshot (and no connection) while the file is written. The
older ``iter_rows(*, session, filters, sort, chunk_size)`` (a server-side cursor with
``yield_per`` in one transaction) is still accepted.

The writers (``write_csv``, ``write_xlsx``) take any iterable of mappings and are usable (and
tested) without Streamlit. Text cells that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` first) are neutralised.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Literal

import streamlit as st
import xlsxwriter

from db import health
from db.session import Actor, session_scope
from ui.format import enum_label, fmt_bool, fmt_date, fmt_datetime, fmt_number, local_datetime
from ui.i18n import t
from ui.table import Column

log = logging.getLogger(__name__)
Format = Literal["csv", "xlsx"]
Progress = Callable[[int], None]
FetchChunk = Callable[..., tuple[Sequence[Mapping[str, Any]], Any]]
CHUNK_SIZE = 1000
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header
XLSX_MAX_CELL = 32_767
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as typed (no formula injection through a cell)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_cell(column: Column, value: Any) -> str:
    """A CSV cell in French conventions, readable by a French Excel (``;``, decimal comma)."""
    if value is None:
        return ""
    match column.kind:
        case "date":
            return fmt_date(value)
        case "datetime":
            return fmt_datetime(value)
        case "money" | "number":
            # No thousands separator and no currency: the column stays numeric in a sheet.
            return fmt_number(value, 2).replace(" ", "")
        case "int":
            return fmt_number(value, 0).replace(" ", "")
        case "enum":
            return enum_label(column.enum or "", value)
        case "bool":
            return fmt_bool(value)
        case _:
            return safe_text(str(value))


def write_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    out: BinaryIO,
    *,
    on_progress: Progress | None = None,
    every: int = CHUNK_SIZE,
) -> int:
    """Write a UTF-8 (with BOM, for Excel) ``;``-separated CSV; returns the row count."""
    out.write(codecs.BOM_UTF8)
    text_out = codecs.getwriter("utf-8")(out)
    writer = csv.writer(text_out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header() for c in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(c, row.get(c.key)) for c in columns])
        count += 1
        if on_progress is not None and count % every == 0:
            on_progress(count)
    return count


def write_xlsx(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    path: str,
    *,
    sheet_name: str = "Export",
    on_progress: Progress | None = None,
    every: int = CHUNK_SIZE,
) -> int:
    """Write an Excel workbook row by row (constant memory); returns the row count.

    Dates and amounts are real Excel dates and numbers (formatted ``dd/mm/yyyy`` and
    ``# ##0,00 MAD`` by the reader's Excel), enums their French labels, texts plain strings.
    """
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(sheet_name[:31])
        fmt_header = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
        fmt_date_ = workbook.add_format({"num_format": "dd/mm/yyyy"})
        fmt_dt = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        fmt_money = workbook.add_format({"num_format": '#,##0.00 "MAD"'})
        fmt_num = workbook.add_format({"num_format": "#,##0.00"})
        fmt_int = workbook.add_format({"num_format": "#,##0"})
        for i, c in enumerate(columns):
            sheet.write_string(0, i, c.header(), fmt_header)
            sheet.set_column(i, i, 14 if c.kind != "text" else 24)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, start=1):
            if count > XLSX_MAX_ROWS:
                raise ValueError("too many rows for one Excel sheet")
            for i, c in enumerate(columns):
                _write_xlsx_cell(
                    sheet,
                    count,
                    i,
                    c,
                    row.get(c.key),
                    fmt_date_,
                    fmt_dt,
                    fmt_money,
                    fmt_num,
                    fmt_int,
                )
            if on_progress is not None and count % every == 0:
                on_progress(count)
        if count:
            sheet.autofilter(0, 0, count, len(columns) - 1)
    finally:
        workbook.close()
    return count


def _write_xlsx_cell(
    sheet: Any,
    r: int,
    i: int,
    column: Column,
    value: Any,
    fmt_date_: Any,
    fmt_dt: Any,
    fmt_money: Any,
    fmt_num: Any,
    fmt_int: Any,
) -> None:
    if value is None:
        return
    kind = column.kind
    if kind == "datetime" and isinstance(value, datetime):
        # Excel has no time zones: local Moroccan time, naive.
        sheet.write_datetime(r, i, local_datetime(value).replace(tzinfo=None), fmt_dt)
    elif kind in ("date", "datetime") and isinstance(value, date | datetime):
        d = local_datetime(value).date() if isinstance(value, datetime) else value
        sheet.write_datetime(r, i, datetime(d.year, d.month, d.day), fmt_date_)
    elif kind in ("money", "number", "int") and isinstance(value, int | float | Decimal):
        fmt = {"money": fmt_money, "number": fmt_num, "int": fmt_int}[kind]
        sheet.write_number(r, i, float(value), fmt)
    elif kind == "enum":
        sheet.write_string(r, i, enum_label(column.enum or "", value))
    elif kind == "bool":
        sheet.write_string(r, i, fmt_bool(value))
    else:
        # write_string, never write(): a text starting with "=" must not become a formula.
        sheet.write_string(r, i, str(value)[:XLSX_MAX_CELL])


def build_export(
    fmt: Format,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    on_progress: Progress | None = None,
    sheet_name: str = "Export",
) -> tuple[bytes, int]:
    """The file's bytes and its row count (a temporary file keeps memory flat while writing)."""
    fd, path = tempfile.mkstemp(suffix="." + fmt, prefix="mif-export-")
    try:
        if fmt == "csv":
            with os.fdopen(fd, "wb") as out:
                count = write_csv(rows, columns, out, on_progress=on_progress)
        else:
            os.close(fd)
            count = write_xlsx(rows, columns, path, sheet_name=sheet_name, on_progress=on_progress)
        with open(path, "rb") as f:
            return f.read(), count
    finally:
        os.unlink(path)


def export_buttons(
    *,
    key: str,
    actor: Actor,
    iter_rows: Callable[..., Iterable[Mapping[str, Any]]] | None = None,
    fetch_chunk: FetchChunk | None = None,
    filters: Any,
    sort: tuple[str, bool] | None,
    total: int,
    columns: Sequence[Column],
    file_stem: str,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """ "Export CSV" / "Export Excel" buttons, then a download button for the file built.

    The file is built from the database when the user asks (with a progress bar when it has
    more than one chunk of rows) and kept until the filters or sort change.
    """
    signature = repr((filters, sort))
    state_key = f"{key}.file"
    row = st.container(horizontal=True, vertical_alignment="center")
    wanted: Format | None = None
    if row.button(t("export.csv"), key=f"{key}.csv", icon=":material/download:"):
        wanted = "csv"
    if row.button(t("export.xlsx"), key=f"{key}.xlsx", icon=":material/table_view:"):
        wanted = "xlsx"
    if wanted is not None:
        st.session_state.pop(state_key, None)
        if total == 0:
            st.info(t("export.empty"))
        elif wanted == "xlsx" and total > XLSX_MAX_ROWS:
            st.warning(t("export.too_many_xlsx", count=fmt_number(total)))
        else:
            source: Callable[..., Iterable[Mapping[str, Any]]] | None = iter_rows
            if fetch_chunk is not None:
                source = _chunked(actor, fetch_chunk)
            if source is None:
                raise ValueError("export_buttons needs iter_rows or fetch_chunk")
            built = _build_from_db(
                wanted, actor, source, filters, sort, total, columns, file_stem, chunk_size
            )
            if built is not None:
                data, count = built
                name = f"{file_stem}_{date.today():%Y-%m-%d}.{wanted}"
                st.session_state[state_key] = {
                    "sig": signature,
                    "fmt": wanted,
                    "name": name,
                    "data": data,
                    "count": count,
                }
    ready = st.session_state.get(state_key)
    if ready and ready["sig"] != signature:
        st.session_state.pop(state_key, None)  # built for other filters: never offer it
        ready = None
    if ready:
        row.download_button(
            t("export.ready", name=ready["name"], count=fmt_number(ready["count"])),
            data=ready["data"],
            file_name=ready["name"],
            mime=MIME[ready["fmt"]],
            key=f"{key}.download",
            icon=":material/file_download:",
            on_click="ignore",
            type="primary",
        )


def iter_chunks(
    actor: Actor,
    fetch_chunk: FetchChunk,
    *,
    filters: Any,
    sort: tuple[str, bool] | None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Mapping[str, Any]]:
    """Every row, one short transaction per chunk (``fetch_chunk`` reads after the last row).

    No transaction stays open while rows are written: a slow spreadsheet writer or a slow
    user never holds a snapshot (which would keep VACUUM from cleaning up) or a connection.
    """
    after: Any = None
    while True:
        with session_scope(actor) as session:
            rows, after = fetch_chunk(
                session=session, filters=filters, sort=sort, after=after, chunk_size=chunk_size
            )
        yield from rows
        if after is None:
            return


def _chunked(actor: Actor, fetch_chunk: FetchChunk) -> Callable[..., Iterable[Mapping[str, Any]]]:
    """``fetch_chunk`` as an ``iter_rows`` that ignores the session it is given."""

    def iter_rows(
        *, session: Any, filters: Any, sort: tuple[str, bool] | None, chunk_size: int
    ) -> Iterable[Mapping[str, Any]]:
        return iter_chunks(actor, fetch_chunk, filters=filters, sort=sort, chunk_size=chunk_size)

    iter_rows.chunked = True  # type: ignore[attr-defined]
    return iter_rows


def _build_from_db(
    fmt: Format,
    actor: Actor,
    iter_rows: Callable[..., Iterable[Mapping[str, Any]]],
    filters: Any,
    sort: tuple[str, bool] | None,
    total: int,
    columns: Sequence[Column],
    file_stem: str,
    chunk_size: int,
) -> tuple[bytes, int] | None:
    # A progress bar only when the export spans several chunks; a spinner otherwise.
    long = total > chunk_size
    bar = (
        st.progress(0.0, text=t("export.progress", done=0, total=fmt_number(total)))
        if long
        else None
    )

    def progress(done: int) -> None:
        if bar is not None:
            bar.progress(
                min(done / max(total, 1), 1.0),
                text=t("export.progress", done=fmt_number(done), total=fmt_number(total)),
            )

    try:
        with st.spinner(t("export.working")):
            if getattr(iter_rows, "chunked", False):
                # Keyset chunks, each in its own short transaction (see iter_chunks).
                rows = iter_rows(session=None, filters=filters, sort=sort, chunk_size=chunk_size)
                result = build_export(
                    fmt,
                    rows,
                    columns,
                    on_progress=progress if long else None,
                    sheet_name=file_stem,
                )
            else:
                # One read-only transaction: a consistent snapshot read by a server-side cursor.
                with session_scope(actor) as session:
                    rows = iter_rows(
                        session=session, filters=filters, sort=sort, chunk_size=chunk_size
                    )
                    result = build_export(
                        fmt,
                        rows,
                        columns,
                        on_progress=progress if long else None,
                        sheet_name=file_stem,
                    )
    except Exception as exc:
        if health.is_unavailable(exc):
            raise  # "base de données indisponible" (ui.outage), not an export failure
        log.exception("export %s failed", file_stem)
        st.error(t("export.error"), icon=":material/error:")
        return None
    finally:
        if bar is not None:
            bar.empty()
    return result


# --------------------------------------------------------------------------------------------
# Printable QR-code labels (any record with a page of its own: machines, spare parts...)
# --------------------------------------------------------------------------------------------

LABEL_SIZE = (900, 420)  # px; about 76 × 36 mm at 300 dpi


def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as a standalone SVG (scales to any print size)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=True)
    return out.getvalue()


def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:  # no DejaVu on this machine: Pillow's own scalable font
        return ImageFont.load_default(size=size)


def _fit(draw: Any, text: str, font: Any, width: int) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def label_png(url: str, title: str, code: str, lines: Sequence[str] = ()) -> bytes:
    """A printable label: QR code of ``url`` on the left; ``title``, ``code`` (large) and
    ``lines`` on the right. Texts too long for the label are cut, never overflow."""
    import segno
    from PIL import Image, ImageDraw

    width, height = LABEL_SIZE
    label = Image.new("RGB", (width, height), "white")
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=10, border=2)
    qr_img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    side = height - 40
    label.paste(qr_img.resize((side, side), Image.Resampling.NEAREST), (20, 20))
    draw = ImageDraw.Draw(label)
    x, text_width = side + 50, width - side - 70
    draw.text((x, 34), "MIF Maroc", font=_font(26, bold=True), fill="#1f4e79")
    draw.text((x, 84), _fit(draw, title, _font(30), text_width), font=_font(30), fill="black")
    code_font = _font(40, bold=True)
    draw.text((x, 140), _fit(draw, code, code_font, text_width), font=code_font, fill="black")
    y = 214
    for line in lines[:4]:
        draw.text((x, y), _fit(draw, line, _font(24), text_width), font=_font(24), fill="#333")
        y += 40
    draw.rectangle((2, 2, width - 3, height - 3), outline="#999", width=2)
    out = io.BytesIO()
    label.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()
