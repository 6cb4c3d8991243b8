"""CSV import of machines, all or nothing, with a report of every refused field."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    insert,
    select,
)
from sqlalchemy.orm import Session

from db.equipment.models import (
    Equipement,
)
from db.equipment.service.common import (
    require_writer,
)
from db.equipment.service.list import forget_searches
from db.equipment.service.validation import FIELDS, validate_equipement
from db.equipment.service.write import _duplicate_serial_message
from db.errors import ServiceError, ValidationError
from db.people.models import Client
from db.session import Actor
from db.validation import (
    echo,
)
from db.validation import fmt_int as _fmt_int

_E = Equipement
_C = Client

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_REPORTED_ERRORS = 500

IMPORT_COLUMNS: tuple[str, ...] = (
    "client",
    "nom",
    "numero_serie",
    "modele",
    "fabricant",
    "date_installation",
    "statut",
    "criticite",
    "localisation",
    "specifications_techniques",
    "manuel_utilisation",
    "prochaine_maintenance",
    "cout_acquisition",
    "fournisseur",
    "date_fin_garantie",
    "duree_garantie_mois",
)
IMPORT_REQUIRED: tuple[str, ...] = ("client", "nom", "numero_serie")


@dataclass(frozen=True)
class RowError:
    """One refused line of an import (``line`` as numbered in a spreadsheet: header = 1)."""

    line: int
    column: str | None
    message: str


@dataclass
class ImportReport:
    """Outcome of an import: either ``created`` rows, or the errors and nothing written."""

    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        """True when every row was valid and the file was imported."""
        return self.error_count == 0


def import_template_csv() -> bytes:
    """An empty import file with its header and one example line (UTF-8, ``;``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    example = {
        "client": "Nom exact de l'entreprise cliente",
        "nom": "Compresseur d'air",
        "numero_serie": "SN-0001",
        "modele": "GA 30",
        "fabricant": "Atlas Copco",
        "date_installation": "15/01/2024",
        "statut": "operationnel",
        "criticite": "haute",
        "localisation": "Atelier 2",
        "prochaine_maintenance": "15/07/2026",
        "cout_acquisition": "125000,00",
        "fournisseur": "Maroc Industrie Équipement",
        "duree_garantie_mois": "24",
    }
    writer.writerow([example.get(c, "") for c in IMPORT_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _decode(file_bytes: Any) -> str:
    if isinstance(file_bytes, bytearray | memoryview):
        file_bytes = bytes(file_bytes)
    if file_bytes is not None and not isinstance(file_bytes, bytes):
        raise ServiceError(
            "Fichier illisible : envoyez un fichier CSV.", field="fichier", rule="import_format"
        )
    if not file_bytes or not file_bytes.strip():
        raise ServiceError("Le fichier est vide.", field="fichier", rule="import_empty")
    if len(file_bytes) > MAX_IMPORT_BYTES:
        raise ServiceError(
            f"Fichier trop volumineux ({_fmt_int(len(file_bytes) // 1024)} Ko) :"
            f" {MAX_IMPORT_BYTES // (1024 * 1024)} Mo au maximum.",
            field="fichier",
            rule="import_size",
        )
    try:
        content = file_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError(
            "Le fichier n'est pas encodé en UTF-8 (octet invalide à la position"
            f" {exc.start + 1}). Dans Excel, enregistrez-le au format « CSV UTF-8 ».",
            field="fichier",
            rule="import_encoding",
        ) from None
    if "\x00" in content:
        raise ServiceError(
            "Ce fichier n'est pas un CSV texte (UTF-16 ou fichier binaire ?)."
            " Enregistrez-le au format « CSV UTF-8 ».",
            field="fichier",
            rule="import_encoding",
        )
    return content


def _read_rows(content: str) -> tuple[list[str], list[list[str]]]:
    first_line = content.split("\n", 1)[0]
    # French Excel writes ';'; other tools ','. The header decides.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        rows = list(reader)
    except (csv.Error, StopIteration):
        raise ServiceError(
            "Fichier CSV illisible.", field="fichier", rule="import_format"
        ) from None
    return header, rows


def _check_header(header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in IMPORT_REQUIRED if c not in names]
    unknown = [echo(h, 40) for h in names if h and h not in IMPORT_COLUMNS]
    duplicated = sorted({echo(h, 40) for h in names if h and names.count(h) > 1})
    problems = []
    if missing:
        problems.append("colonnes obligatoires manquantes : " + ", ".join(missing))
    if unknown:
        problems.append("colonnes inconnues : " + ", ".join(unknown[:10]))
    if duplicated:
        problems.append("colonnes en double : " + ", ".join(duplicated))
    if problems:
        raise ServiceError(
            "En-tête du fichier incorrect : "
            + " ; ".join(problems)
            + ". Téléchargez le modèle pour voir les colonnes attendues.",
            field="fichier",
            rule="import_columns",
        )
    return names


def import_equipements_csv(*, session: Session, actor: Actor, file_bytes: Any) -> ImportReport:
    """Import machines from a CSV file, all or nothing.

    The whole file is checked first (file encoding and header → ``ServiceError``; each line →
    ``RowError`` with its line number). If any line is wrong nothing is written and the report
    lists the errors; otherwise every line is inserted in the caller's transaction.
    Clients are given by company name, dates as ``jj/mm/aaaa``, amounts as ``12345,50``.
    """
    require_writer(actor)
    header, raw_rows = _read_rows(_decode(file_bytes))
    names = _check_header(header)
    report = ImportReport()

    def add_error(line: int, column: str | None, message: str) -> None:
        report.error_count += 1
        if len(report.errors) < MAX_REPORTED_ERRORS:
            report.errors.append(RowError(line, column, message))

    records: list[tuple[int, dict[str, str]]] = []
    for offset, values in enumerate(raw_rows):
        line = offset + 2
        if not any(v.strip() for v in values):
            continue  # blank lines (often at the end) are not data
        if len(values) > len(names) and any(v.strip() for v in values[len(names) :]):
            add_error(line, None, "Plus de valeurs que de colonnes (séparateur dans un texte ?).")
            continue
        records.append((line, dict(zip(names, values, strict=False))))
    report.rows = len(records)
    if not records and not report.error_count:
        raise ServiceError("Le fichier ne contient aucune ligne.", field="fichier")
    if report.rows > MAX_IMPORT_ROWS:
        raise ServiceError(
            f"Trop de lignes ({_fmt_int(report.rows)}) : {_fmt_int(MAX_IMPORT_ROWS)} au maximum"
            " par import.",
            field="fichier",
            rule="import_size",
        )

    clients: dict[str, list[int]] = {}
    for cid, nom in session.execute(select(_C.id, _C.nom_entreprise)):
        clients.setdefault(nom.strip().casefold(), []).append(cid)
    serials_in_file: dict[str, int] = {}
    to_insert: list[dict[str, Any]] = []
    for line, record in records:
        # Every bad field of a line is reported, not only the first: the client, each value
        # the form would refuse, and a serial number already taken (in the file or the base).
        errors_before = report.error_count
        client_name = (record.get("client") or "").strip()
        matches = clients.get(client_name.casefold(), [])
        data: dict[str, Any] = {k: v for k, v in record.items() if k != "client"}
        fields: tuple[str, ...] = tuple(FIELDS)
        if not client_name:
            add_error(line, "client", "Client : champ obligatoire.")
        elif not matches:
            add_error(line, "client", f"Client inconnu : « {echo(client_name, 200)} ».")
        elif len(matches) > 1:
            add_error(
                line, "client", f"Plusieurs clients s'appellent « {echo(client_name, 200)} »."
            )
        else:
            data["client_id"] = matches[0]
        if "client_id" not in data:
            fields = tuple(f for f in FIELDS if f != "client_id")  # already reported
        clean: dict[str, Any] | None = None
        bad_fields: set[str] = set()
        try:
            clean = validate_equipement(data, fields=fields)
        except ValidationError as exc:
            for column, message in exc.errors.items():
                bad_fields.add(column)
                add_error(line, "client" if column == "client_id" else column, message)
        if "numero_serie" not in bad_fields:
            raw = str(data.get("numero_serie") or "").strip()
            serial = clean["numero_serie"] if clean is not None else raw
            if serial in serials_in_file:
                add_error(
                    line,
                    "numero_serie",
                    f"Numéro de série « {serial} » déjà présent à la ligne"
                    f" {serials_in_file[serial]}.",
                )
            else:
                serials_in_file[serial] = line
        if clean is not None and report.error_count == errors_before:
            to_insert.append(clean)

    if serials_in_file:
        existing = session.execute(
            select(_E.numero_serie, _E.nom, _C.nom_entreprise.label("client_nom"))
            .join(_C, _C.id == _E.client_id)
            .where(_E.numero_serie.in_(list(serials_in_file)))
        ).all()
        for other in existing:
            add_error(
                serials_in_file[other.numero_serie],
                "numero_serie",
                _duplicate_serial_message(other.numero_serie, other),
            )
    if report.error_count:
        report.errors.sort(key=lambda e: (e.line, e.column or ""))
        return report
    # One multi-row INSERT batch; a refusal here (a race) aborts the whole transaction.
    session.execute(insert(Equipement), to_insert)
    report.created = len(to_insert)
    forget_searches(session)  # a registry search kept by this process may now miss them
    return report
