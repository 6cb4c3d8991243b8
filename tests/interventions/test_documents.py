"""Documents and photos of an intervention: filed through the store, listed, opened with the
checksum verified, thumbnails; who may is decided by row-level security (attacks included)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db import storage
from db.errors import ServiceError
from db.interventions.service import documents
from tests.conftest import act_as, sql_error
from tests.factories import world

PDF = b"%PDF-1.4\n%rapport d'intervention\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private file store for the test."""
    monkeypatch.setenv("MIF_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.delenv("MIF_UPLOAD_MAX_MB", raising=False)
    return tmp_path / "files"


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    return world(conn)


def count_docs(conn: Connection) -> int:
    conn.execute(text("SAVEPOINT look"))
    conn.execute(text("RESET ROLE"))
    n = conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
    conn.execute(text("ROLLBACK TO SAVEPOINT look"))
    return n


def test_a_technician_files_a_photo_on_an_intervention_assigned_to_them(
    session: Session, conn: Connection, w: dict[str, Any], store_dir: Path
) -> None:
    act_as(conn, w["actor_tech1"])
    content = jpeg()
    row = documents.add_document(
        session=session,
        actor=w["actor_tech1"],
        intervention_id=w["interv1"],
        filename="../IMG_0042.JPG",
        content=content,
        description="Roulement usé <script>alert(1)</script> 🔧",
    )
    digest = hashlib.sha256(content).hexdigest()
    assert row["checksum"] == digest
    assert row["taille"] == len(content)
    assert row["mime_type"] == "image/jpeg"
    assert row["type_document"] == "photo"
    assert row["nom_fichier"] == "IMG_0042.JPG"
    assert row["equipement_id"] == w["equip1"]  # filled in by the database
    assert (store_dir / f"{digest[:2]}/{digest[2:4]}/{digest}").read_bytes() == content
    conn.execute(text("SAVEPOINT look"))
    conn.execute(text("RESET ROLE"))
    stored = conn.execute(
        text("SELECT chemin, uploaded_by, description FROM documents WHERE id = :d"),
        {"d": row["id"]},
    ).one()
    audit = conn.execute(
        text(
            "SELECT action::text, description, user_id FROM historiques_interventions"
            " WHERE intervention_id = :i ORDER BY id DESC LIMIT 1"
        ),
        {"i": w["interv1"]},
    ).one()
    conn.execute(text("ROLLBACK TO SAVEPOINT look"))
    assert stored.chemin == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert stored.uploaded_by == w["actor_tech1"].user_id
    assert stored.description == "Roulement usé <script>alert(1)</script> 🔧"
    assert audit == ("upload_document", "Document : IMG_0042.JPG", w["actor_tech1"].user_id)


def test_the_type_follows_the_content_unless_chosen(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    kw: dict[str, Any] = {"session": session, "actor": w["actor_resp"]}
    report = documents.add_document(
        **kw, intervention_id=w["interv1"], filename="rapport", content=PDF
    )
    assert (report["type_document"], report["nom_fichier"]) == ("rapport", "rapport.pdf")
    manual = documents.add_document(**kw, equipement_id=w["equip1"], filename="m.pdf", content=PDF)
    assert manual["type_document"] == "manuel"
    cert = documents.add_document(
        **kw, equipement_id=w["equip1"], filename="c.pdf", content=PDF, type_document="Certificat"
    )
    assert cert["type_document"] == "certificat"
    with pytest.raises(ServiceError, match="Type de document : valeur inconnue"):
        documents.add_document(
            **kw, equipement_id=w["equip1"], filename="c.pdf", content=PDF, type_document="virus"
        )


def test_an_executable_renamed_jpg_is_refused_and_nothing_is_written(
    session: Session, conn: Connection, w: dict[str, Any], store_dir: Path
) -> None:
    act_as(conn, w["actor_tech1"])
    before = count_docs(conn)
    with pytest.raises(ServiceError) as err:
        documents.add_document(
            session=session,
            actor=w["actor_tech1"],
            intervention_id=w["interv1"],
            filename="photo.jpg",
            content=EXE,
        )
    assert "Type de fichier non autorisé" in err.value.message
    assert count_docs(conn) == before
    assert not store_dir.exists() or not any(p.is_file() for p in store_dir.rglob("*"))


def test_an_upload_over_the_limit_is_refused(
    session: Session, conn: Connection, w: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIF_UPLOAD_MAX_MB", "1")
    act_as(conn, w["actor_resp"])
    before = count_docs(conn)
    with pytest.raises(ServiceError, match="Fichier trop volumineux"):
        documents.add_document(
            session=session,
            actor=w["actor_resp"],
            intervention_id=w["interv1"],
            filename="gros.pdf",
            content=PDF + b"0" * (1024 * 1024),
        )
    assert count_docs(conn) == before


def test_who_may_file_a_document(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_tech1"])
    with pytest.raises(ServiceError, match="pas affecté"):
        documents.add_document(
            session=session,
            actor=w["actor_tech1"],
            intervention_id=w["interv2"],
            filename="x.pdf",
            content=PDF,
        )
    with pytest.raises(ServiceError, match="responsable"):
        documents.add_document(
            session=session,
            actor=w["actor_tech1"],
            equipement_id=w["equip1"],
            filename="x.pdf",
            content=PDF,
        )
    act_as(conn, w["actor_client1"])
    # A client files a photo on their own request...
    own = documents.add_document(
        session=session,
        actor=w["actor_client1"],
        intervention_id=w["interv1"],
        filename="fuite.jpg",
        content=jpeg(),
    )
    assert own["type_document"] == "photo"
    # ... and another client's intervention does not exist for them.
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        documents.add_document(
            session=session,
            actor=w["actor_client1"],
            intervention_id=w["interv2"],
            filename="x.pdf",
            content=PDF,
        )
    with pytest.raises(ServiceError, match="l'une des deux"):
        documents.add_document(
            session=session, actor=w["actor_client1"], filename="x.pdf", content=PDF
        )


def test_documents_are_listed_newest_first_and_bounded(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    for i in range(3):
        documents.add_document(
            session=session,
            actor=w["actor_resp"],
            intervention_id=w["interv1"],
            filename=f"r{i}.txt",
            content=f"Relevé {i}\n".encode(),
        )
    listed = documents.list_documents(session=session, intervention_id=w["interv1"])
    assert [d["nom_fichier"] for d in listed] == ["r2.txt", "r1.txt", "r0.txt"]
    assert listed[0]["uploaded_by_name"].startswith("Test Responsable")
    assert listed[0]["has_file"] and not listed[0]["is_image"]
    assert len(documents.list_documents(session=session, equipement_id=w["equip1"], limit=2)) == 2
    assert (
        len(documents.list_documents(session=session, intervention_id=w["interv1"], limit=0)) == 1
    )


def test_open_document_verifies_the_checksum(
    session: Session, conn: Connection, w: dict[str, Any], store_dir: Path
) -> None:
    act_as(conn, w["actor_resp"])
    row = documents.add_document(
        session=session,
        actor=w["actor_resp"],
        intervention_id=w["interv1"],
        filename="rapport.pdf",
        content=PDF,
    )
    assert documents.open_document(session=session, document_id=row["id"]) == (
        "rapport.pdf",
        "application/pdf",
        PDF,
    )
    (store_dir / storage.relative_path(row["checksum"])).write_bytes(PDF + b"tampered")
    with pytest.raises(ServiceError, match="corrompu"):
        documents.open_document(session=session, document_id=row["id"])


def test_a_photo_has_a_thumbnail(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_resp"])
    row = documents.add_document(
        session=session,
        actor=w["actor_resp"],
        intervention_id=w["interv1"],
        filename="p.jpg",
        content=jpeg(),
    )
    thumb = documents.document_thumbnail(session=session, document_id=row["id"], size=128)
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as img:
        assert max(img.size) == 128


def test_a_client_reads_only_their_own_interventions_documents(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_resp"])
    theirs = documents.add_document(
        session=session,
        actor=w["actor_resp"],
        intervention_id=w["interv2"],
        filename="client2.pdf",
        content=PDF,
    )
    mine = documents.add_document(
        session=session,
        actor=w["actor_resp"],
        intervention_id=w["interv1"],
        filename="client1.pdf",
        content=PDF,
    )
    act_as(conn, w["actor_client1"])
    assert documents.open_document(session=session, document_id=mine["id"])[0] == "client1.pdf"
    # Another client's document asked for by id: the same answer as an id that does not exist.
    for doc_id in (theirs["id"], 2**31 - 1):
        with pytest.raises(ServiceError, match="Document introuvable"):
            documents.open_document(session=session, document_id=doc_id)
        with pytest.raises(ServiceError, match="Document introuvable"):
            documents.document_thumbnail(session=session, document_id=doc_id)
    with pytest.raises(ServiceError, match="Intervention introuvable"):
        documents.list_documents(session=session, intervention_id=w["interv2"])
    with pytest.raises(ServiceError, match="Équipement introuvable"):
        documents.list_documents(session=session, equipement_id=w["equip2"])


def test_a_document_imported_without_a_file_says_so(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    doc = conn.execute(
        text(
            "INSERT INTO documents (intervention_id, nom_fichier, chemin, type_document)"
            " VALUES (:i, 'ancien.pdf', 'uploads/ancien.pdf', 'rapport') RETURNING id"
        ),
        {"i": w["interv1"]},
    ).scalar_one()
    act_as(conn, w["actor_resp"])
    with pytest.raises(ServiceError, match="pas de fichier"):
        documents.open_document(session=session, document_id=doc)


def test_attack_a_client_inserts_a_document_on_another_clients_machine(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    exc = sql_error(
        conn,
        "INSERT INTO documents (intervention_id, nom_fichier, chemin, type_document)"
        " VALUES (:i, 'x.pdf', 'x', 'rapport')",
        {"i": w["interv2"]},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"


def test_attack_a_technician_inserts_a_document_on_an_intervention_not_theirs(
    conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    exc = sql_error(
        conn,
        "INSERT INTO documents (intervention_id, nom_fichier, chemin, type_document)"
        " VALUES (:i, 'x.pdf', 'x', 'rapport')",
        {"i": w["interv2"]},
    )
    assert getattr(exc, "orig", exc).sqlstate == "42501"
