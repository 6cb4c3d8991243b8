"""Documents and photos of an intervention or a machine: file, list, open, thumbnail.

The file goes to the content-addressed store (``db.storage``: size limit, type checked on the
content, sanitised name) *before* its ``documents`` row is inserted in the caller's
transaction: if the row is refused or the transaction fails, the stored file is an orphan that
costs nothing (the same content uploaded again reuses it). The row records the checksum, size,
MIME type read from the content, the store path (``chemin``) and the uploader; the database
fills in the machine of an intervention's document (``trg_documents_equipement``) and writes
the ``upload_document`` audit row.

Who may: row-level security decides (``db/access/matrix.csv``: managers anything, a technician
on the interventions assigned to them, a client on their own interventions); the service says
it first in French. Reading goes through the same policies: a document another client's user
asks for by id is "introuvable", exactly like an id that does not exist.

``type_document`` is the seed's category of the document (photo, rapport, manuel, certificat,
facture): chosen by the user, else a photo for an image, a report for another file of an
intervention, a manual for a file of a machine.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db import storage
from db.equipment.models import Equipement
from db.errors import ServiceError
from db.interventions.models import DOCUMENT_TYPES, Document
from db.interventions.service._shared import (
    database_refusal,
    find_intervention,
    require_staff_or_assigned,
)
from db.people.models import User
from db.session import Actor
from db.validation import clamp_int, clean_choice, clean_id, clean_text

LIST_LIMIT = 100
LIST_MAX = 200
MAX_DESCRIPTION = 2000
NOT_FOUND = "Document introuvable."

TYPE_LABELS: dict[str, str] = {
    "photo": "Photo",
    "rapport": "Rapport",
    "manuel": "Manuel",
    "certificat": "Certificat",
    "facture": "Facture",
}
assert tuple(TYPE_LABELS) == DOCUMENT_TYPES  # the documents table's CHECK lists the same


def _target(intervention_id: Any, equipement_id: Any) -> tuple[str, Any]:
    if (intervention_id is None) == (equipement_id is None):
        raise ServiceError(
            "Un document se rattache à une intervention ou à une machine (l'une des deux).",
            field="intervention_id",
            rule="validation",
        )
    return (
        ("intervention", intervention_id)
        if intervention_id is not None
        else (
            "equipement",
            equipement_id,
        )
    )


def _visible_machine(session: Session, equipement_id: Any) -> int:
    eid = clean_id(equipement_id, field="equipement_id", label="Équipement")
    if session.scalar(select(Equipement.id).where(Equipement.id == eid)) is None:
        raise ServiceError("Équipement introuvable.", field="equipement_id", rule="introuvable")
    return eid


def add_document(
    *,
    session: Session,
    actor: Actor,
    filename: Any,
    content: Any,
    intervention_id: Any = None,
    equipement_id: Any = None,
    description: Any = None,
    type_document: Any = None,
) -> dict[str, Any]:
    """File a document on an intervention or a machine; returns its row (as a dict)."""
    kind, target = _target(intervention_id, equipement_id)
    values: dict[str, Any] = {}
    if kind == "intervention":
        intervention = find_intervention(session, target)
        if actor.role != "client":
            require_staff_or_assigned(session, actor, intervention, what="ajouter un document")
        values["intervention_id"] = intervention.id
    else:
        eid = _visible_machine(session, target)
        if not actor.is_staff:
            raise ServiceError(
                "Seuls un administrateur ou un responsable ajoutent les documents d'une machine.",
                field="equipement_id",
                rule="profil",
            )
        values["equipement_id"] = eid
    note = clean_text(
        description, field="description", label="Description", max_len=MAX_DESCRIPTION
    )
    chosen = clean_choice(
        type_document, field="type_document", label="Type de document", choices=TYPE_LABELS
    )
    stored = storage.store(content)  # checks size and type; written before the row
    if chosen is None:
        default = "rapport" if kind == "intervention" else "manuel"
        chosen = "photo" if stored.is_image else default
    values.update(
        nom_fichier=storage.sanitize_filename(filename, stored.mime_type),
        chemin=stored.path,
        type_document=chosen,
        taille=stored.size,
        description=note,
        uploaded_by=actor.user_id,
        mime_type=stored.mime_type,
        checksum=stored.checksum,
    )
    with database_refusal(session):
        row = (
            session.execute(
                insert(Document)
                .values(**values)
                .returning(
                    Document.id,
                    Document.intervention_id,
                    Document.equipement_id,
                    Document.nom_fichier,
                    Document.type_document,
                    Document.taille,
                    Document.mime_type,
                    Document.checksum,
                    Document.date_upload,
                )
            )
            .mappings()
            .one()
        )
    return dict(row)


def list_documents(
    *,
    session: Session,
    intervention_id: Any = None,
    equipement_id: Any = None,
    limit: Any = LIST_LIMIT,
) -> list[dict[str, Any]]:
    """Documents of an intervention, or of a machine (its interventions' included), newest
    first, at most ``limit`` (200), with the uploader's name."""
    kind, target = _target(intervention_id, equipement_id)
    n = clamp_int(limit, field="limit", label="Nombre de documents", low=1, high=LIST_MAX)
    stmt = select(
        Document.id,
        Document.intervention_id,
        Document.equipement_id,
        Document.nom_fichier,
        Document.type_document,
        Document.taille,
        Document.description,
        Document.date_upload,
        Document.mime_type,
        Document.checksum,
        User.full_name.label("uploaded_by_name"),
    ).outerjoin(User, User.id == Document.uploaded_by)
    if kind == "intervention":
        stmt = stmt.where(Document.intervention_id == find_intervention(session, target).id)
    else:
        stmt = stmt.where(Document.equipement_id == _visible_machine(session, target))
    rows = session.execute(stmt.order_by(Document.date_upload.desc(), Document.id.desc()).limit(n))
    out = []
    for r in rows.mappings():
        d = dict(r)
        d["type_label"] = TYPE_LABELS.get(d["type_document"], d["type_document"])
        d["has_file"] = d["checksum"] is not None
        d["is_image"] = d["mime_type"] in storage.IMAGE_TYPES
        out.append(d)
    return out


def _visible_document(session: Session, document_id: Any) -> Any:
    did = clean_id(document_id, field="document_id", label="Document")
    row = session.execute(
        select(Document.nom_fichier, Document.mime_type, Document.checksum).where(
            Document.id == did
        )
    ).one_or_none()
    if row is None:
        raise ServiceError(NOT_FOUND, field="document_id", rule="introuvable")
    if row.checksum is None:
        raise ServiceError(
            "Ce document n'a pas de fichier dans le stockage (document importé sans contenu).",
            field="document_id",
            rule="fichier_absent",
        )
    return row


def open_document(*, session: Session, document_id: Any) -> tuple[str, str, bytes]:
    """(file name, MIME type, content) of a document the user may see, checksum verified."""
    row = _visible_document(session, document_id)
    data = storage.read_verified(row.checksum)
    mime = row.mime_type or storage.detect_mime(data) or "application/octet-stream"
    return row.nom_fichier, mime, data


def document_thumbnail(
    *, session: Session, document_id: Any, size: Any = storage.THUMB_DEFAULT
) -> bytes | None:
    """JPEG thumbnail of a photo the user may see (None for another kind of file)."""
    row = _visible_document(session, document_id)
    return storage.thumbnail(row.checksum, size)
