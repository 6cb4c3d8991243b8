"""Equipment services, called directly: list (search, filters, sort, pagination), detail,
create / edit validation (every bad input of issue 3), optimistic concurrency, lifecycle,
CSV import (all or nothing) and row-level security through the app role.

Each test runs in a rolled-back transaction; ``act_as`` switches to the app role so row-level
security applies exactly as in the app.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.equipment import service as svc
from db.equipment.service import EquipementFilters as F
from db.errors import ConflictError, ServiceError
from tests.conftest import act_as, sql_error
from tests.factories import (
    insert,
    make_contrat,
    make_equipement,
    make_intervention,
    make_technicien,
    make_user,
    world,
)

TOKEN = "Zqxw"  # in every name made here, so the seeded demo data never interferes
FLEET = f"{TOKEN}-"  # matches the serial numbers of the fixture's fleet only
OLD_STAMP = datetime(2024, 1, 1, tzinfo=UTC)


def count(conn: Connection, where: str = "true", **params: Any) -> int:
    """Number of machines matching ``where`` (owner connection, no RLS filter in effect)."""
    return conn.execute(text(f"SELECT count(*) FROM equipements WHERE {where}"), params).scalar()


def valid_data(client_id: int, **extra: Any) -> dict[str, Any]:
    """What a correct create form sends."""
    data: dict[str, Any] = {
        "client_id": client_id,
        "nom": f"Pompe {TOKEN}",
        "numero_serie": f"SN-{TOKEN}-NEW",
        "modele": "CR 45",
        "fabricant": "Grundfos",
        "date_installation": date(2024, 3, 1),
        "criticite": "haute",
        "localisation": "Station de pompage",
        "cout_acquisition": "48 500,50",
        "duree_garantie_mois": 24,
    }
    data.update(extra)
    return data


@pytest.fixture
def w(conn: Connection) -> dict[str, Any]:
    """The usual cast (two clients, two technicians, staff) plus a fleet named with TOKEN."""
    cast = world(conn)
    c1, c2 = cast["client1"], cast["client2"]
    conn.execute(
        text("UPDATE clients SET nom_entreprise = :n WHERE id = :id"),
        [{"n": f"Atlas {TOKEN} Industries", "id": c1}, {"n": f"Rif {TOKEN} Textiles", "id": c2}],
    )
    specs = [
        # (client, nom, serie, modele, fabricant, localisation, statut, criticite, prochaine, fin
        #  garantie, cout)
        (c1, "Compresseur", "A-001", "GA 30", "Atlas Copco", "Atelier 1", "operationnel",
         "critique", date(2026, 1, 10), date(2026, 6, 1), Decimal("125000")),
        (c1, "Chariot élévateur", "A-002", "8FBE18", "Toyota", "Quai", "panne",
         "haute", date(2026, 2, 10), date(2025, 1, 1), None),
        (c1, "Groupe électrogène", "A-003", "C550", "Caterpillar", "Chaufferie", "maintenance",
         "normale", None, date(2027, 1, 1), Decimal("90000")),
        (c2, "Métier à tisser", "B-001", "OmniPlus", "Picanol", "Salle 3", "operationnel",
         "basse", date(2026, 3, 1), None, Decimal("300000")),
        (c2, "Chaudière", "B-002", "Vitoplex", "Viessmann", "Chaufferie", "panne",
         "critique", date(2025, 12, 1), date(2024, 6, 1), Decimal("75000")),
    ]  # fmt: skip
    ids = {}
    for cid, nom, serie, modele, fab, loc, statut, crit, nxt, fin, cout in specs:
        ids[serie] = make_equipement(
            conn,
            cid,
            nom=f"{nom} {TOKEN}",
            numero_serie=f"{TOKEN}-{serie}",
            modele=modele,
            fabricant=fab,
            localisation=loc,
            statut=statut,
            criticite=crit,
            prochaine_maintenance=nxt,
            date_fin_garantie=fin,
            cout_acquisition=cout,
            date_installation=date(2023, 1, 1),
        )
    cast["fleet"] = ids
    return cast


def listed(session: Session, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """All TOKEN machines matching ``filters`` (one big page)."""
    q = filters.pop("q", "")
    return svc.list_equipements(
        session=session,
        filters=F(q=f"{FLEET} {q}".strip(), **filters),
        sort=("numero_serie", False),
        page=1,
        page_size=100,
    )


def serials(rows: list[dict[str, Any]]) -> list[str]:
    return [r["numero_serie"].removeprefix(f"{TOKEN}-") for r in rows]


# ------------------------------------------------------------------------------------------
# List: search, filters, sort, pagination
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("compresseur", ["A-001"]),  # name, case-insensitive
        ("OMNIPLUS", ["B-001"]),  # model
        ("viessmann", ["B-002"]),  # manufacturer
        ("a-00", ["A-001", "A-002", "A-003"]),  # serial number
        ("chaufferie", ["A-003", "B-002"]),  # location
        ("rif", ["B-001", "B-002"]),  # client company name
        ("chaufferie rif", ["B-002"]),  # every word must match
        ("introuvable", []),
    ],
)
def test_search_covers_every_field(
    session: Session, conn: Connection, w: dict[str, Any], q: str, expected: list[str]
) -> None:
    act_as(conn, w["actor_admin"])
    rows, total = listed(session, q=q)
    assert serials(rows) == expected
    assert total == len(expected)


def test_search_takes_like_wildcards_literally(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    assert listed(session, q="%")[1] == 0
    assert listed(session, q="_")[1] == 0
    assert svc.like_pattern("50%_a\\") == "%50\\%\\_a\\\\%"


def test_filters(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    assert serials(listed(session, statuts=("panne",))[0]) == ["A-002", "B-002"]
    assert serials(listed(session, statuts=("panne", "maintenance"))[0]) == [
        "A-002",
        "A-003",
        "B-002",
    ]
    assert serials(listed(session, criticites=("critique",))[0]) == ["A-001", "B-002"]
    assert serials(listed(session, client_id=w["client2"])[0]) == ["B-001", "B-002"]
    # Maintenance due on or before a date (machines without a date are not "due").
    assert serials(listed(session, maintenance_avant=date(2026, 1, 10))[0]) == ["A-001", "B-002"]
    # Warranty ending on or before a date.
    assert serials(listed(session, garantie_avant=date(2025, 1, 1))[0]) == ["A-002", "B-002"]
    both = listed(session, statuts=("panne",), criticites=("critique",), client_id=w["client2"])
    assert serials(both[0]) == ["B-002"]


def test_sort_and_pagination(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    pages = [
        svc.list_equipements(
            session=session,
            filters=F(q=FLEET),
            sort=("nom", False),
            page=p,
            page_size=2,
        )
        for p in (1, 2, 3, 4)
    ]
    assert [total for _, total in pages] == [5, 5, 5, 5]
    assert [len(rows) for rows, _ in pages] == [2, 2, 1, 0]
    names = [r["nom"].removesuffix(f" {TOKEN}") for rows, _ in pages for r in rows]
    # No overlap, nothing skipped, in order across pages.
    assert names == [
        "Chariot élévateur",
        "Chaudière",
        "Compresseur",
        "Groupe électrogène",
        "Métier à tisser",
    ]

    desc, _ = svc.list_equipements(
        session=session, filters=F(q=FLEET), sort=("nom", True), page=1, page_size=10
    )
    assert [r["nom"].removesuffix(f" {TOKEN}") for r in desc] == names[::-1]

    by_cost, _ = svc.list_equipements(
        session=session, filters=F(q=FLEET), sort=("cout_acquisition", True), page=1, page_size=10
    )
    assert serials(by_cost) == ["B-001", "A-001", "A-003", "B-002", "A-002"]  # NULL last

    by_client, _ = svc.list_equipements(
        session=session, filters=F(q=FLEET), sort=("client_nom", True), page=1, page_size=10
    )
    assert by_client[0]["client_nom"] == f"Rif {TOKEN} Textiles"


def test_unknown_sort_key_and_odd_paging_are_harmless(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    rows, total = svc.list_equipements(
        session=session, filters=F(q=FLEET), sort=("id; DROP TABLE x", False), page=0, page_size=0
    )
    assert total == 5 and len(rows) == 1  # page clamped to 1, page size to 1


def test_list_rows_carry_names_not_only_ids(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    rows, _ = listed(session, q="A-001")
    assert rows[0]["client_nom"] == f"Atlas {TOKEN} Industries"
    assert rows[0]["cout_acquisition"] == Decimal("125000.00")


def test_export_streams_the_whole_filtered_set(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    rows = list(
        svc.iter_equipements_for_export(
            session=session, filters=F(q=FLEET), sort=("numero_serie", True), chunk_size=2
        )
    )
    assert serials(rows) == ["B-002", "B-001", "A-003", "A-002", "A-001"]
    assert svc.count_equipements(session=session, filters=F(q=FLEET)) == 5


# ------------------------------------------------------------------------------------------
# Row-level security through the services
# ------------------------------------------------------------------------------------------


def test_client_sees_only_its_own_machines(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_client1"])
    rows, total = svc.list_equipements(session=session, page_size=500)
    assert total == len(rows) > 0
    assert {r["client_id"] for r in rows} == {w["client1"]}
    # Another client's machine does not exist for this user, even by id (URL tampering).
    assert svc.get_equipement_detail(session=session, equipement_id=w["fleet"]["B-001"]) is None
    assert svc.get_equipement_detail(session=session, equipement_id=w["fleet"]["A-001"])
    assert [c for c, _ in svc.client_choices(session=session)] == [w["client1"]]
    exported = list(svc.iter_equipements_for_export(session=session, filters=F(q=FLEET)))
    assert serials(sorted(exported, key=lambda r: r["numero_serie"])) == ["A-001", "A-002", "A-003"]


def test_technician_reads_every_machine(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_tech1"])
    assert listed(session)[1] == 5
    assert svc.get_equipement_detail(session=session, equipement_id=w["fleet"]["B-001"])


@pytest.mark.parametrize("bad_id", ["abc", "", "-1", "0", "99999999999", None, "1 OR 1=1"])
def test_detail_of_nonsense_id_is_none(
    session: Session, conn: Connection, w: dict[str, Any], bad_id: Any
) -> None:
    act_as(conn, w["actor_admin"])
    assert svc.get_equipement_detail(session=session, equipement_id=bad_id) is None


def test_detail_has_everything(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    eid = w["fleet"]["A-001"]
    tech_id, _ = make_technicien(conn)
    contrat = make_contrat(conn, w["client1"], numero_contrat=f"CTR-{TOKEN}")
    insert_pair = "INSERT INTO contrat_equipements (contrat_id, equipement_id) VALUES (:c, :e)"
    conn.execute(text(insert_pair), {"c": contrat, "e": eid})
    closed = make_intervention(
        conn,
        eid,
        technicien_id=tech_id,
        statut="affectee",
        titre=f"Révision {TOKEN}",
    )
    for statut in ("en_cours", "cloturee"):
        conn.execute(
            text("UPDATE interventions SET statut = :s WHERE id = :i"), {"s": statut, "i": closed}
        )
    make_intervention(conn, eid, titre=f"Fuite {TOKEN}")
    insert(conn, "taches", equipement_id=eid, description="Graisser les roulements")
    insert(
        conn,
        "documents",
        equipement_id=eid,
        nom_fichier="manuel.pdf",
        chemin="equipements/manuel.pdf",
        type_document="manuel",
        uploaded_by=make_user(conn, "responsable", full_name="Karima Tazi"),
    )
    act_as(conn, w["actor_admin"])
    d = svc.get_equipement_detail(session=session, equipement_id=str(eid))
    assert d is not None
    assert d.equipement["client_nom"] == f"Atlas {TOKEN} Industries"
    for key in (
        "date_fin_garantie",
        "duree_garantie_mois",
        "specifications_techniques",
        "manuel_utilisation",
        "derniere_maintenance",
        "fournisseur",
        "updated_at",
    ):
        assert key in d.equipement
    assert d.equipement["derniere_maintenance"] is not None  # set by closing the intervention
    assert [c["numero_contrat"] for c in d.contrats] == [f"CTR-{TOKEN}"]
    assert [t["description"] for t in d.taches] == ["Graisser les roulements"]
    assert d.documents[0]["uploaded_by_nom"] == "Karima Tazi"
    assert d.nb_interventions == 2 and d.nb_historique == 1
    assert d.transitions == ("maintenance", "panne")

    hist, total = svc.list_historique_maintenance(session=session, filters=eid)
    assert total == 1 and hist[0]["description"] == f"Révision {TOKEN}"
    assert hist[0]["technicien"]  # a name, not an id
    interventions, total = svc.list_equipement_interventions(
        session=session, filters=eid, sort=("titre", False)
    )
    assert total == 2
    assert [i["titre"] for i in interventions] == [f"Fuite {TOKEN}", f"Révision {TOKEN}"]
    assert interventions[1]["technicien_nom"]


# ------------------------------------------------------------------------------------------
# Create: validation of every bad input, nothing written
# ------------------------------------------------------------------------------------------


def test_create_valid(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_resp"])
    new_id = svc.create_equipement(
        session=session, actor=w["actor_resp"], data=valid_data(w["client1"])
    )
    row = conn.execute(text("SELECT * FROM equipements WHERE id = :i"), {"i": new_id}).one()
    assert row.cout_acquisition == Decimal("48500.50")
    assert row.statut == "operationnel"
    assert row.date_fin_garantie == date(2026, 3, 1)  # installation + 24 months


BAD_INPUTS = [
    ({"nom": ""}, "nom", "champ obligatoire"),
    ({"nom": "   "}, "nom", "champ obligatoire"),
    ({"numero_serie": ""}, "numero_serie", "champ obligatoire"),
    ({"client_id": None}, "client_id", "champ obligatoire"),
    ({"nom": "x" * 10_000}, "nom", "200 caractères au maximum (10 000 saisis)"),
    ({"numero_serie": "S" * 101}, "numero_serie", "100 caractères au maximum"),
    ({"modele": "m" * 151}, "modele", "150 caractères au maximum"),
    ({"cout_acquisition": "-1"}, "cout_acquisition", "ne peut pas être négatif"),
    ({"cout_acquisition": -0.01}, "cout_acquisition", "ne peut pas être négatif"),
    ({"cout_acquisition": "douze"}, "cout_acquisition", "montant invalide"),
    ({"cout_acquisition": "1e400"}, "cout_acquisition", "montant trop élevé"),
    ({"cout_acquisition": "NaN"}, "cout_acquisition", "montant invalide"),
    ({"duree_garantie_mois": -3}, "duree_garantie_mois", "ne peut pas être négatif"),
    ({"duree_garantie_mois": "2.5"}, "duree_garantie_mois", "nombre entier attendu"),
    (
        {"date_installation": date(2024, 5, 1), "date_fin_garantie": date(2024, 4, 30)},
        "date_fin_garantie",
        "ne peut pas précéder la date d'installation",
    ),
    (
        {"date_installation": date(2024, 5, 1), "prochaine_maintenance": "01/01/2024"},
        "prochaine_maintenance",
        "ne peut pas précéder la date d'installation",
    ),
    ({"date_installation": "31/02/2024"}, "date_installation", "date invalide"),
    ({"date_installation": "hier"}, "date_installation", "date invalide"),
    ({"date_installation": "01/01/1800"}, "date_installation", "hors limites"),
    ({"criticite": "extreme"}, "criticite", "valeur inconnue"),
    ({"statut": "cassé"}, "statut", "valeur inconnue"),
    ({"nom": "Pompe\x00"}, "nom", "caractères de contrôle"),
    ({"client_id": "abc"}, "client_id", "choisissez un client"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUTS)
def test_create_refuses_bad_input_in_french(
    session: Session,
    conn: Connection,
    w: dict[str, Any],
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    act_as(conn, w["actor_admin"])
    before = count(conn)
    with pytest.raises(svc.ValidationError) as err:
        svc.create_equipement(
            session=session, actor=w["actor_admin"], data={**valid_data(w["client1"]), **change}
        )
    assert message in err.value.errors[field]
    assert err.value.field in err.value.errors
    assert count(conn) == before


def test_create_reports_every_bad_field_at_once(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    with pytest.raises(svc.ValidationError) as err:
        svc.create_equipement(
            session=session,
            actor=w["actor_admin"],
            data={"client_id": None, "nom": "", "numero_serie": "", "cout_acquisition": "-5"},
        )
    assert set(err.value.errors) == {"client_id", "nom", "numero_serie", "cout_acquisition"}


def test_duplicate_serial_names_the_other_machine(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    before = count(conn)
    with pytest.raises(svc.ValidationError) as err:
        svc.create_equipement(
            session=session,
            actor=w["actor_admin"],
            data=valid_data(w["client2"], numero_serie=f"  {TOKEN}-A-001 "),
        )
    msg = err.value.errors["numero_serie"]
    assert f"« Compresseur {TOKEN} »" in msg and f"Atlas {TOKEN} Industries" in msg
    assert count(conn) == before


def test_duplicate_serial_caught_by_the_database_is_named_too(
    session: Session, conn: Connection, w: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A concurrent insert passes the service's check; the unique constraint still refuses it.
    # Patched where the writers look it up (the write module of the service package).
    monkeypatch.setattr(svc.write, "_check_serial", lambda *a, **k: None)
    act_as(conn, w["actor_admin"])
    data = valid_data(w["client2"], numero_serie=f"{TOKEN}-A-001")
    with pytest.raises(svc.ValidationError) as err:
        svc.create_equipement(session=session, actor=w["actor_admin"], data=data)
    assert f"« Compresseur {TOKEN} »" in err.value.errors["numero_serie"]
    form = loaded(conn, w["fleet"]["A-002"])
    with pytest.raises(svc.ValidationError) as err:
        svc.update_equipement(
            session=session,
            actor=w["actor_admin"],
            equipement_id=w["fleet"]["A-002"],
            expected_updated_at=form["updated_at"],
            data={**form, "numero_serie": f"{TOKEN}-A-001"},
        )
    assert f"« Compresseur {TOKEN} »" in err.value.errors["numero_serie"]


def test_unknown_client_is_refused(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    with pytest.raises(svc.ValidationError) as err:
        svc.create_equipement(
            session=session, actor=w["actor_admin"], data=valid_data(2_000_000_000)
        )
    assert "client inconnu" in err.value.errors["client_id"]


@pytest.mark.parametrize(
    "text_value",
    [
        'Presse « L\'Oréal » "12 t"',
        "<script>alert('x')</script>",
        "Pompe 🚀 ⚙️ 水",
        "'; DROP TABLE equipements; --",
        '=HYPERLINK("http://x")',
    ],
)
def test_tricky_text_is_stored_verbatim(
    session: Session, conn: Connection, w: dict[str, Any], text_value: str
) -> None:
    act_as(conn, w["actor_admin"])
    data = valid_data(w["client1"], nom=text_value, localisation=text_value)
    data["specifications_techniques"] = text_value * 3
    new_id = svc.create_equipement(session=session, actor=w["actor_admin"], data=data)
    row = conn.execute(
        text("SELECT nom, localisation FROM equipements WHERE id = :i"), {"i": new_id}
    ).one()
    assert row.nom == text_value.strip() and row.localisation == text_value.strip()
    rows, _ = svc.list_equipements(session=session, filters=F(q=text_value[:12]), page_size=50)
    assert new_id in [r["id"] for r in rows]


@pytest.mark.parametrize("who", ["actor_tech1", "actor_client1"])
def test_only_admin_and_responsable_write(
    session: Session, conn: Connection, w: dict[str, Any], who: str
) -> None:
    actor = w[who]
    act_as(conn, actor)
    before = count(conn)
    eid = w["fleet"]["A-001"]
    stamp = conn.execute(
        text("SELECT updated_at FROM equipements WHERE id = :i"), {"i": eid}
    ).scalar()
    calls = [
        lambda: svc.create_equipement(session=session, actor=actor, data=valid_data(w["client1"])),
        lambda: svc.update_equipement(
            session=session,
            actor=actor,
            equipement_id=eid,
            expected_updated_at=stamp,
            data=valid_data(w["client1"]),
        ),
        lambda: svc.change_statut(
            session=session, actor=actor, equipement_id=eid, statut="maintenance"
        ),
        lambda: svc.import_equipements_csv(session=session, actor=actor, file_bytes=b"x"),
    ]
    for call in calls:
        with pytest.raises(ServiceError) as err:
            call()
        assert err.value.message == svc.FORBIDDEN_MESSAGE
    assert count(conn) == before


# ------------------------------------------------------------------------------------------
# Edit and optimistic concurrency
# ------------------------------------------------------------------------------------------


def loaded(conn: Connection, eid: int) -> dict[str, Any]:
    """What an edit form shows: the row as the user loaded it."""
    row = conn.execute(text("SELECT * FROM equipements WHERE id = :i"), {"i": eid}).mappings()
    return dict(row.one())


def test_update_saves_and_returns_new_version(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    eid = make_equipement(conn, w["client1"], updated_at=OLD_STAMP)
    act_as(conn, w["actor_admin"])
    form = loaded(conn, eid)
    form.update(nom="Compresseur révisé", cout_acquisition="1 000,00")
    stamp = svc.update_equipement(
        session=session,
        actor=w["actor_admin"],
        equipement_id=eid,
        expected_updated_at=OLD_STAMP,
        data=form,
    )
    assert stamp > OLD_STAMP
    row = loaded(conn, eid)
    assert row["nom"] == "Compresseur révisé" and row["cout_acquisition"] == Decimal("1000.00")


def test_second_concurrent_save_is_refused(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    eid = make_equipement(conn, w["client1"], updated_at=OLD_STAMP, localisation="Atelier 1")
    act_as(conn, w["actor_admin"])
    form_a, form_b = loaded(conn, eid), loaded(conn, eid)  # two people open the same machine
    form_a["localisation"] = "Atelier A"
    svc.update_equipement(
        session=session,
        actor=w["actor_admin"],
        equipement_id=eid,
        expected_updated_at=form_a["updated_at"],
        data=form_a,
    )
    form_b["localisation"] = "Atelier B"
    with pytest.raises(ConflictError) as err:
        svc.update_equipement(
            session=session,
            actor=w["actor_resp"],
            equipement_id=eid,
            expected_updated_at=form_b["updated_at"],
            data=form_b,
        )
    assert err.value.message == "Cet équipement a été modifié entre-temps, rechargez la page."
    assert loaded(conn, eid)["localisation"] == "Atelier A"  # nothing overwritten


def test_update_validation_and_duplicate_serial(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    eid = w["fleet"]["A-002"]
    act_as(conn, w["actor_admin"])
    form = loaded(conn, eid)
    stamp = form["updated_at"]
    for change, field in (
        ({"numero_serie": f"{TOKEN}-A-001"}, "numero_serie"),
        ({"nom": "n" * 10_000}, "nom"),
        ({"cout_acquisition": -10}, "cout_acquisition"),
        ({"date_fin_garantie": date(2022, 1, 1)}, "date_fin_garantie"),
    ):
        with pytest.raises(svc.ValidationError) as err:
            svc.update_equipement(
                session=session,
                actor=w["actor_admin"],
                equipement_id=eid,
                expected_updated_at=stamp,
                data={**form, **change},
            )
        assert field in err.value.errors
    assert loaded(conn, eid) == form


def test_update_of_missing_machine(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    with pytest.raises(ServiceError) as err:
        svc.update_equipement(
            session=session,
            actor=w["actor_admin"],
            equipement_id=2_000_000_000,
            expected_updated_at=OLD_STAMP,
            data=valid_data(w["client1"]),
        )
    assert err.value.message == "Équipement introuvable."


def test_owner_change_refused_once_the_machine_has_interventions(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    used, free = w["equip1"], w["fleet"]["A-003"]  # equip1 has an intervention
    act_as(conn, w["actor_admin"])
    form = loaded(conn, used)
    with pytest.raises(svc.ValidationError) as err:
        svc.update_equipement(
            session=session,
            actor=w["actor_admin"],
            equipement_id=used,
            expected_updated_at=form["updated_at"],
            data={**form, "client_id": w["client2"]},
        )
    assert "impossible de changer le propriétaire" in err.value.errors["client_id"]
    form = loaded(conn, free)
    svc.update_equipement(
        session=session,
        actor=w["actor_admin"],
        equipement_id=free,
        expected_updated_at=form["updated_at"],
        data={**form, "client_id": w["client2"]},
    )
    assert loaded(conn, free)["client_id"] == w["client2"]


# ------------------------------------------------------------------------------------------
# Lifecycle
# ------------------------------------------------------------------------------------------


def test_lifecycle_follows_the_state_diagram(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    eid = make_equipement(conn, w["client1"])
    act_as(conn, w["actor_resp"])
    resp = w["actor_resp"]
    for target in ("panne", "maintenance", "operationnel", "maintenance", "retire"):
        svc.change_statut(session=session, actor=resp, equipement_id=eid, statut=target)
        assert loaded(conn, eid)["statut"] == target
    with pytest.raises(ServiceError) as err:
        svc.change_statut(session=session, actor=resp, equipement_id=eid, statut="operationnel")
    assert err.value.message == "Un équipement retiré ne change plus de statut."


def test_forbidden_transition_is_refused_by_service_and_database(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    eid = make_equipement(conn, w["client1"])  # operationnel
    act_as(conn, w["actor_admin"])
    with pytest.raises(ServiceError) as err:
        svc.change_statut(
            session=session, actor=w["actor_admin"], equipement_id=eid, statut="retire"
        )
    assert err.value.message == "Transition interdite : Opérationnel → Retiré."
    exc = sql_error(conn, "UPDATE equipements SET statut = 'retire' WHERE id = :i", {"i": eid})
    assert exc.orig.diag.constraint_name == "equipement_transition"
    with pytest.raises(ServiceError):
        svc.change_statut(session=session, actor=w["actor_admin"], equipement_id=eid, statut="xyz")


def test_lifecycle_checks_the_version_when_given(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    eid = make_equipement(conn, w["client1"], updated_at=OLD_STAMP)
    act_as(conn, w["actor_admin"])
    with pytest.raises(ConflictError):
        svc.change_statut(
            session=session,
            actor=w["actor_admin"],
            equipement_id=eid,
            statut="panne",
            expected_updated_at=OLD_STAMP - timedelta(seconds=1),
        )
    assert loaded(conn, eid)["statut"] == "operationnel"


# ------------------------------------------------------------------------------------------
# CSV import
# ------------------------------------------------------------------------------------------


def csv_bytes(lines: list[str], encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(lines).encode(encoding)


HEADER = "client;nom;numero_serie;modele;date_installation;statut;criticite;cout_acquisition"


def test_import_all_good(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    report = svc.import_equipements_csv(
        session=session,
        actor=w["actor_admin"],
        file_bytes=csv_bytes(
            [
                HEADER,
                f"Atlas {TOKEN} Industries;Tour CN;{TOKEN}-IMP-1;T400;15/01/2024;En panne;Critique;"
                "12 345,50",
                f"rif {TOKEN} textiles ;Presse « 10 t » 🚀;{TOKEN}-IMP-2;;2024-02-01;;;",
                ";;;;;;;",  # blank line ignored
            ]
        ),
    )
    assert report.ok and report.created == 2 and report.rows == 2
    rows = conn.execute(
        text(
            "SELECT numero_serie, statut, criticite, cout_acquisition, client_id FROM equipements"
            " WHERE numero_serie LIKE :p ORDER BY numero_serie"
        ),
        {"p": f"{TOKEN}-IMP-%"},
    ).all()
    assert [tuple(r) for r in rows] == [
        (f"{TOKEN}-IMP-1", "panne", "critique", Decimal("12345.50"), w["client1"]),
        (f"{TOKEN}-IMP-2", "operationnel", "normale", None, w["client2"]),
    ]


def test_import_comma_separated(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    report = svc.import_equipements_csv(
        session=session,
        actor=w["actor_admin"],
        file_bytes=csv_bytes(
            ["nom,numero_serie,client", f'"Pompe, grande",{TOKEN}-C-1,Atlas {TOKEN} Industries'],
            "utf-8",
        ),
    )
    assert report.created == 1


def test_import_with_one_bad_row_writes_nothing(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    before = count(conn)
    report = svc.import_equipements_csv(
        session=session,
        actor=w["actor_admin"],
        file_bytes=csv_bytes(
            [
                HEADER,
                f"Atlas {TOKEN} Industries;Tour;{TOKEN}-IMP-1;;15/01/2024;;;",
                f"Atlas {TOKEN} Industries;Fraiseuse;{TOKEN}-IMP-2;;15/01/2024;;;-5",
                f"Atlas {TOKEN} Industries;Perceuse;{TOKEN}-IMP-3;;;;;",
            ]
        ),
    )
    assert not report.ok and report.created == 0
    assert [(e.line, e.column) for e in report.errors] == [(3, "cout_acquisition")]
    assert "négatif" in report.errors[0].message
    assert count(conn) == before


def test_import_reports_each_bad_line(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    before = count(conn)
    report = svc.import_equipements_csv(
        session=session,
        actor=w["actor_admin"],
        file_bytes=csv_bytes(
            [
                HEADER,
                f"Inconnue SA;Tour;{TOKEN}-X-1;;;;;",
                f"Atlas {TOKEN} Industries;;{TOKEN}-X-2;;;;;",
                f"Atlas {TOKEN} Industries;Tour;{TOKEN}-A-001;;;;;",  # exists in the database
                f"Atlas {TOKEN} Industries;Tour;{TOKEN}-X-4;;;;;",
                f"Atlas {TOKEN} Industries;Tour bis;{TOKEN}-X-4;;;;;",  # twice in the file
                f"Atlas {TOKEN} Industries;{'x' * 10_000};{TOKEN}-X-6;;32/13/2024;bof;;",
                f";Tour;{TOKEN}-X-7;;;;;",
            ]
        ),
    )
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (2, "client"),
        (3, "nom"),
        (4, "numero_serie"),
        (6, "numero_serie"),
        (7, "nom"),
        (7, "date_installation"),
        (7, "statut"),
        (8, "client"),
    }
    by_line = {(e.line, e.column): e.message for e in report.errors}
    assert "Inconnue SA" in by_line[(2, "client")]
    assert f"« Compresseur {TOKEN} »" in by_line[(4, "numero_serie")]
    assert "ligne 5" in by_line[(6, "numero_serie")]
    assert report.error_count == 8 and count(conn) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("client;nom;numero_serie\r\nSociété Générale;Pompe;SN1".encode("cp1252"), "UTF-8"),
        ("client;nom;numero_serie\r\nA;B;C".encode("utf-16"), "UTF-8"),
        (b"client;nom\r\nA;B", "colonnes obligatoires manquantes : numero_serie"),
        (b"nom;numero serie;client\r\nA;B;C", "colonnes inconnues : numero serie"),
        (b"client;nom;nom;numero_serie\r\nA;B;C;D", "colonnes en double : nom"),
        (b"", "Le fichier est vide."),
        (b"client;nom;numero_serie\r\n", "aucune ligne"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
    ],
)
def test_import_file_problems_in_french(
    session: Session, conn: Connection, w: dict[str, Any], content: bytes, message: str
) -> None:
    act_as(conn, w["actor_admin"])
    before = count(conn)
    with pytest.raises(ServiceError) as err:
        svc.import_equipements_csv(session=session, actor=w["actor_admin"], file_bytes=content)
    assert message in err.value.message
    assert err.value.field == "fichier"
    assert count(conn) == before


def test_import_size_limits(session: Session, conn: Connection, w: dict[str, Any]) -> None:
    act_as(conn, w["actor_admin"])
    with pytest.raises(ServiceError, match="trop volumineux"):
        svc.import_equipements_csv(
            session=session,
            actor=w["actor_admin"],
            file_bytes=b"client;nom;numero_serie\r\n" + b"a;b;c\r\n" * 800_000,
        )


def test_template_is_a_valid_import_file(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    template = svc.import_template_csv().decode("utf-8-sig")
    header, example = template.strip().split("\r\n")
    assert header.split(";") == list(svc.IMPORT_COLUMNS)
    example = example.replace("Nom exact de l'entreprise cliente", f"Atlas {TOKEN} Industries")
    report = svc.import_equipements_csv(
        session=session,
        actor=w["actor_admin"],
        file_bytes=f"{header}\r\n{example}".encode(),
    )
    assert report.ok and report.created == 1


def test_add_months_clamps_month_end() -> None:
    assert svc.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert svc.add_months(date(2023, 11, 15), 26) == date(2026, 1, 15)


# ------------------------------------------------------------------------------------------
# Hostile input (issue 7): refused with a French message naming the field, nothing written
# ------------------------------------------------------------------------------------------


def test_a_machine_installed_in_2100_with_a_600_month_warranty_is_refused(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    before = count(conn)
    with pytest.raises(svc.ValidationError) as err:
        svc.create_equipement(
            session=session,
            actor=w["actor_admin"],
            data=valid_data(w["client1"], date_installation="31/12/2100", duree_garantie_mois=600),
        )
    assert "pas plus de 30 jours dans l'avenir" in err.value.errors["date_installation"]
    assert err.value.errors["duree_garantie_mois"] == ("Durée de garantie (mois) : 240 au maximum.")
    assert count(conn) == before


def test_a_warranty_end_more_than_240_months_after_installation_is_refused() -> None:
    with pytest.raises(svc.ValidationError) as err:
        svc.validate_equipement(
            {
                "client_id": 1,
                "nom": "Pompe",
                "numero_serie": "SN-1",
                "date_installation": date(2020, 1, 1),
                "date_fin_garantie": date(2040, 1, 2),
            }
        )
    assert err.value.errors == {
        "date_fin_garantie": "Fin de garantie : au plus 240 mois après l'installation."
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nom": "Pompe \ud800"}, "nom", "Nom : caractères invalides (texte mal encodé)."),
        ({"client_id": 2**31}, "client_id", "Client : choisissez un client dans la liste."),
        ({"client_id": float("inf")}, "client_id", "Client : choisissez un client dans la liste."),
        (
            {"cout_acquisition": 1e20},
            "cout_acquisition",
            "Coût d'acquisition : montant trop élevé.",
        ),
        ({"cout_acquisition": "inf"}, "cout_acquisition", "Coût d'acquisition : montant invalide."),
        ({"duree_garantie_mois": 2**63}, "duree_garantie_mois", "240 au maximum"),
        ({"statut": "\ud800"}, "statut", "Statut : valeur inconnue « ? »."),
        ({"modele": ["liste"]}, "modele", "Modèle : texte attendu."),
    ],
)
def test_hostile_values_get_a_french_message_naming_the_field(
    change: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(svc.ValidationError) as err:
        svc.validate_equipement({**valid_data(1), **change})
    assert message in err.value.errors[field]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (F(q="pompe\x00"), "q"),
        (F(q="\ud800"), "q"),
        (F(statuts=("xyz",)), "statuts"),
        (F(criticites=("panne",)), "criticites"),
        (F(client_id=2**31), "client_id"),
        (F(maintenance_avant="31/12/9999"), "maintenance_avant"),  # type: ignore[arg-type]
    ],
)
def test_bad_list_filters_are_refused_naming_the_filter(
    session: Session, conn: Connection, w: dict[str, Any], filters: F, field: str
) -> None:
    act_as(conn, w["actor_resp"])
    with pytest.raises(svc.ValidationError) as err:
        svc.list_equipements(session=session, filters=filters)
    assert field in err.value.errors
    assert err.value.errors[field].split(" : ")[0] in svc.FILTER_LABELS.values()


def test_page_1e20_is_clamped_and_nonsense_pages_are_refused(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    rows, total = svc.list_equipements(session=session, filters=F(q=FLEET), page=1e20)
    assert rows == [] and total == 5
    for page in (float("nan"), float("inf"), "deux"):
        with pytest.raises(ServiceError) as err:
            svc.list_equipements(session=session, filters=F(q=FLEET), page=page)
        assert err.value.field == "page"
    with pytest.raises(ServiceError) as err:
        svc.list_equipement_interventions(session=session, filters=2**31)
    assert err.value.field == "equipement_id"
    assert svc.get_equipement_detail(session=session, equipement_id="99999999999") is None


def test_status_changes_refuse_unknown_statuses_and_ids_in_french(
    session: Session, conn: Connection, w: dict[str, Any]
) -> None:
    act_as(conn, w["actor_admin"])
    eid = w["fleet"]["A-001"]
    with pytest.raises(ServiceError) as err:
        svc.change_statut(session=session, actor=w["actor_admin"], equipement_id=eid, statut="xyz")
    assert (err.value.field, err.value.message) == ("statut", "Statut : valeur inconnue « xyz ».")
    with pytest.raises(ServiceError) as err:
        svc.change_statut(
            session=session, actor=w["actor_admin"], equipement_id=2**31, statut="panne"
        )
    assert err.value.message == "Équipement : identifiant invalide."
