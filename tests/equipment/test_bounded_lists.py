"""Lists stay bounded at any size: capped counts, keyset chunks, indexed search, client picker.

Behaviour only (no timings): the COUNT stops at its cap and says so, a short page needs no
COUNT, keyset chunks cover the list exactly once in the list's order (NULLs last), the search
function answers through the app's roles no more than each role may read, and the client
picker lists a bounded number of clients while keeping the chosen one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from db.equipment import service as svc
from db.equipment.models import Equipement
from db.equipment.service import EquipementFilters as F
from db.people.models import Client
from db.query import Total, after_condition, capped_count, keyset_page, paginate
from tests.conftest import act_as
from tests.factories import make_client, make_equipement, world

TOKEN = "Bqvz"  # in every name made here, so the demo data never interferes


def fleet(conn: Connection, n: int = 7) -> tuple[dict[str, Any], list[int]]:
    """The usual world plus ``n`` machines of client 1 named with TOKEN, some never serviced."""
    w = world(conn)
    ids = [
        make_equipement(
            conn,
            w["client1"],
            nom=f"{TOKEN} pompe {i % 3}",
            numero_serie=f"{TOKEN}-{i:03d}",
            prochaine_maintenance=None if i % 2 else date(2030, 1, 1 + i),
        )
        for i in range(n)
    ]
    return w, ids


def mine(session: Session) -> Any:
    return select(Equipement.id, Equipement.nom).where(Equipement.nom.like(f"{TOKEN}%"))


def test_a_count_stops_at_its_cap_and_says_it_is_a_lower_bound(conn: Connection, session):
    fleet(conn, 7)
    total = capped_count(session, mine(session), cap=5)
    assert isinstance(total, Total) and not total.exact and int(total) == 5
    exact = capped_count(session, mine(session), cap=7)
    assert exact.exact and int(exact) == 7


def test_a_page_of_a_capped_list_reports_more_than_the_cap(conn: Connection, session):
    fleet(conn, 7)
    rows, total = paginate(
        session, mine(session), order_by=[Equipement.id], page=1, page_size=2, count_cap=3
    )
    assert len(rows) == 2 and not total.exact and int(total) == 3
    # Deeper pages move the counting horizon along: page 3 counts up to 4 + 3 rows.
    rows, total = paginate(
        session, mine(session), order_by=[Equipement.id], page=3, page_size=2, count_cap=3
    )
    assert len(rows) == 2 and total.exact and int(total) == 7


def test_a_short_page_gives_the_exact_total_without_counting(conn: Connection, session):
    fleet(conn, 7)
    rows, total = paginate(
        session, mine(session), order_by=[Equipement.id], page=4, page_size=2, count_cap=1
    )
    assert len(rows) == 1 and total.exact and int(total) == 7


def test_a_page_past_the_end_is_empty_with_the_true_total(conn: Connection, session):
    fleet(conn, 3)
    rows, total = paginate(session, mine(session), order_by=[Equipement.id], page=9, page_size=2)
    assert rows == [] and total.exact and int(total) == 3


def test_keyset_chunks_cover_the_list_once_in_order_with_nulls_last(conn: Connection, session):
    fleet(conn, 9)
    keys = [(Equipement.prochaine_maintenance, False), (Equipement.id, False)]
    stmt = select(Equipement.id, Equipement.prochaine_maintenance).where(
        Equipement.nom.like(f"{TOKEN}%")
    )
    expected = [r["id"] for r in keyset_page(session, stmt, keys=keys, after=None, page_size=100)]
    seen: list[int] = []
    after = None
    while True:
        chunk = keyset_page(session, stmt, keys=keys, after=after, page_size=2)
        if not chunk:
            break
        seen += [r["id"] for r in chunk]
        after = [chunk[-1]["prochaine_maintenance"], chunk[-1]["id"]]
    assert seen == expected and len(seen) == 9
    dates = [
        r["prochaine_maintenance"]
        for r in keyset_page(session, stmt, keys=keys, after=None, page_size=100)
    ]
    assert dates[-4:] == [None] * 4 and dates[:5] == sorted(dates[:5])


def test_keyset_chunks_descending_also_cover_the_list_once(conn: Connection, session):
    fleet(conn, 9)
    keys = [(Equipement.prochaine_maintenance, True), (Equipement.id, True)]
    stmt = select(Equipement.id, Equipement.prochaine_maintenance).where(
        Equipement.nom.like(f"{TOKEN}%")
    )
    seen, after = [], None
    while chunk := keyset_page(session, stmt, keys=keys, after=after, page_size=4):
        seen += [r["id"] for r in chunk]
        after = [chunk[-1]["prochaine_maintenance"], chunk[-1]["id"]]
    assert len(seen) == len(set(seen)) == 9


def test_export_chunks_give_the_whole_filtered_list_in_the_list_order(conn: Connection, session):
    w, ids = fleet(conn, 7)
    act_as(session, w["actor_resp"])
    filters = F(q=TOKEN)
    for sort in (("nom", False), ("prochaine_maintenance", True), ("client_nom", False)):
        page, _ = svc.list_equipements(session=session, filters=filters, sort=sort, page_size=100)
        rows, after = [], None
        while True:
            chunk, after = svc.export_chunk_equipements(
                session=session, filters=filters, sort=sort, after=after, chunk_size=3
            )
            rows += chunk
            if after is None:
                break
        assert [r["id"] for r in rows] == [r["id"] for r in page], sort
        assert sorted(r["id"] for r in rows) == sorted(ids)


def test_the_search_finds_a_word_in_the_machine_or_its_client_through_the_app_role(
    conn: Connection, session
):
    w, ids = fleet(conn, 4)
    other_client, _ = make_client(conn, nom_entreprise=f"{TOKEN}-Pompes du Sud")
    other = make_equipement(conn, other_client, nom="Broyeur", numero_serie=f"{TOKEN}-X")
    act_as(session, w["actor_resp"])
    rows, total = svc.list_equipements(session=session, filters=F(q=f"{TOKEN} pompe"))
    assert {r["id"] for r in rows} == {*ids, other} and int(total) == 5
    rows, _ = svc.list_equipements(session=session, filters=F(q=f"{TOKEN.upper()} SUD"))
    assert [r["id"] for r in rows] == [other]
    # LIKE wildcards typed by the user are literal characters.
    rows, _ = svc.list_equipements(session=session, filters=F(q=f"{TOKEN}%"))
    assert rows == []


def test_the_search_function_answers_a_client_only_about_its_own_machines(
    conn: Connection, session
):
    w, _ = fleet(conn, 3)  # client 1 matches too: the function must not list it
    foreign = make_equipement(conn, w["client2"], nom=f"{TOKEN} pompe étrangère")
    act_as(session, w["actor_client2"])
    ids_seen = session.scalar(select(func.equipement_search_ids(f"%{TOKEN}%")))
    assert ids_seen == [foreign]


def test_a_client_finds_its_machines_by_its_own_company_name_and_no_one_else_s(
    conn: Connection, session
):
    w, _ = fleet(conn, 2)
    company = conn.exec_driver_sql(
        "SELECT nom_entreprise FROM clients WHERE id = %s", (w["client2"],)
    ).scalar_one()
    own = make_equipement(conn, w["client2"], nom="Broyeur", numero_serie=f"{TOKEN}-OWN")
    act_as(session, w["actor_client2"])
    rows, total = svc.list_equipements(session=session, filters=F(q=company.split()[0]))
    assert own in {r["id"] for r in rows} and int(total) == len(rows)
    assert all(r["client_id"] == w["client2"] for r in rows)
    # Client 1's machines match TOKEN but are never answered to client 2.
    assert svc.search_ids(session=session, q=TOKEN) == [own]


def test_the_search_is_looked_up_once_per_word_and_the_words_are_intersected(
    conn: Connection, session
):
    w, ids = fleet(conn, 6)  # names "<TOKEN> pompe 0|1|2"
    act_as(session, w["actor_resp"])
    assert svc.search_ids(session=session, q="   ") is None
    # In the list's default order: name, then id (the names repeat: "pompe 0" twice ...).
    in_order = [i for _, i in sorted((f"{TOKEN} pompe {n % 3}", i) for n, i in enumerate(ids))]
    assert svc.search_ids(session=session, q=TOKEN) == in_order
    both = svc.search_ids(session=session, q=f"{TOKEN} pompe")
    assert both is not None and set(ids) <= set(both)
    assert [i for i in both if i in ids] == in_order
    assert svc.search_ids(session=session, q=f"{TOKEN} introuvable-xyz") == []


def test_the_client_picker_is_bounded_searchable_and_keeps_the_chosen_client(
    conn: Connection, session
):
    w = world(conn)
    made = [make_client(conn, nom_entreprise=f"{TOKEN} Société {i:02d}")[0] for i in range(6)]
    act_as(session, w["actor_resp"])
    assert len(svc.client_choices(session=session, limit=3)) == 3
    found = svc.client_choices(session=session, q=f"{TOKEN.lower()} société", limit=4)
    assert [cid for cid, _ in found] == made[:4]
    kept = svc.client_choices(session=session, q=f"{TOKEN} Société", limit=2, include=made[5])
    assert [cid for cid, _ in kept] == [made[5], made[0], made[1]]


def test_a_client_sees_only_itself_in_the_picker_whatever_it_asks(conn: Connection, session):
    w = world(conn)
    act_as(session, w["actor_client1"])
    assert [cid for cid, _ in svc.client_choices(session=session, include=w["client2"])] == [
        w["client1"]
    ]


def test_keyset_chunks_on_not_null_keys_are_an_index_range_in_both_directions(
    conn: Connection, session
):
    fleet(conn, 9)
    for desc in (False, True):
        keys = [(Equipement.nom, desc), (Equipement.id, desc)]
        stmt = select(Equipement.id, Equipement.nom).where(Equipement.nom.like(f"{TOKEN}%"))
        seen, after = [], None
        while chunk := keyset_page(session, stmt, keys=keys, after=after, page_size=4):
            seen += [(r["nom"], r["id"]) for r in chunk]
            after = [chunk[-1]["nom"], chunk[-1]["id"]]
        assert seen == sorted(seen, reverse=desc) and len(set(seen)) == 9
    # The condition after a row is one row comparison the planner can start an index scan at
    # (an export's chunk 100 does not re-read chunks 1 to 99).
    condition = after_condition([(Equipement.nom, False), (Equipement.id, False)], ["x", 1])
    session.execute(text("SET LOCAL enable_seqscan = off"))  # a demo-sized table
    plan = "\n".join(
        session.execute(
            text(
                "EXPLAIN "
                + str(
                    select(Equipement.id)
                    .where(condition)
                    .order_by(Equipement.nom, Equipement.id)
                    .limit(5)
                    .compile(compile_kwargs={"literal_binds": True})
                )
            )
        ).scalars()
    )
    assert re.search(r"Index (Only )?Scan using idx_equipement_nom .*\n.*Index Cond: \(ROW\(", plan)


# --------------------------------------------------------------------------------------------
# The search in the list's default order: one statement, the page a slice of ordered ids
# --------------------------------------------------------------------------------------------

MIXED = [  # (name, model, location): case and accents as users type them
    ("Pompe centrifuge", "CR 64", "Chaufferie"),
    ("POMPE doseuse", "DX-2", "Quai"),
    ("Groupe électrogène", "GE 90", "Toiture"),
    ("Compresseur", "pompe à vide", "Atelier"),
    ("Ventilateur", "VX", "Salle des pompes"),
    ("Électrovanne", "EV-1", "Chaufferie"),
    ("pompe immergée", "P-9", "Puits"),
]


def search_fleet(conn: Connection) -> tuple[dict[str, Any], dict[int, str]]:
    """Machines of client 1 whose names, models and locations mix case and accents."""
    w = world(conn)
    made = {}
    for i, (nom, modele, lieu) in enumerate(MIXED * 2):
        made[
            make_equipement(
                conn,
                w["client1"],
                nom=f"{nom} {TOKEN}",
                modele=modele,
                localisation=lieu,
                numero_serie=f"{TOKEN}-S{i:02d}",
            )
        ] = nom
    return w, made


def reference(conn: Connection, q: str, client_id: int | None = None) -> list[int]:
    """What the search must answer, in the list's order, computed the plain way (ILIKE on each
    field, as the owner): every word in a field of the machine or in its client's name."""
    conds, params = [], {}
    for n, word in enumerate(q.split()):
        params[f"w{n}"] = f"%{word}%"
        conds.append(
            f"(e.nom ILIKE :w{n} OR e.modele ILIKE :w{n} OR e.fabricant ILIKE :w{n}"
            f" OR e.numero_serie ILIKE :w{n} OR e.localisation ILIKE :w{n}"
            f" OR c.nom_entreprise ILIKE :w{n})"
        )
    if client_id is not None:
        conds.append("e.client_id = :client")
        params["client"] = client_id
    sql = (
        "SELECT e.id FROM equipements e JOIN clients c ON c.id = e.client_id WHERE "
        + " AND ".join(conds)
        + " ORDER BY e.nom, e.id"
    )
    return list(conn.execute(text(sql), params).scalars())


def pages(session, q: str, *, desc: bool, size: int, filters: Any = None) -> tuple[list, Any]:
    """Every page of the search, walked like the page picker does, and the first total."""
    seen: list[int] = []
    first_total = None
    for page in range(1, 100):
        rows, total = svc.list_equipements(
            session=session,
            filters=filters or F(q=q),
            sort=("nom", desc),
            page=page,
            page_size=size,
        )
        first_total = total if first_total is None else first_total
        if not rows:
            break
        seen += [r["id"] for r in rows]
    return seen, first_total


@pytest.mark.parametrize(
    "q",
    [
        f"pompe {TOKEN}",
        f"POMPE {TOKEN}",
        f"électro {TOKEN}",
        f"ÉLECTRO {TOKEN}",
        f"chaufferie {TOKEN}",
    ],
)
def test_a_search_in_name_order_pages_exactly_the_matches_in_both_directions(
    conn: Connection, session, q: str
):
    w, _ = search_fleet(conn)
    expected = reference(conn, q)
    assert expected  # the case means something
    act_as(session, w["actor_resp"])
    for desc in (False, True):
        seen, total = pages(session, q, desc=desc, size=3)
        assert seen == (expected[::-1] if desc else expected), (q, desc)
        assert total.exact and int(total) == len(expected)


def test_a_search_keeps_today_s_case_and_accent_rules(conn: Connection, session):
    w, made = search_fleet(conn)
    act_as(session, w["actor_admin"])
    found = {
        q: {made[i] for i in svc.search_ids(session=session, q=f"{q} {TOKEN}") or []}
        for q in ("pompe", "électrogène", "ELECTROGENE", "ÉLECTROGÈNE")
    }
    # Case is ignored (accented capitals too); accents are not (as with ILIKE).
    assert found["pompe"] == {
        "Pompe centrifuge",
        "POMPE doseuse",
        "Compresseur",
        "Ventilateur",
        "pompe immergée",
    }
    assert found["électrogène"] == found["ÉLECTROGÈNE"] == {"Groupe électrogène"}
    assert found["ELECTROGENE"] == set()


def test_the_search_agrees_with_the_plain_ilike_for_every_role(conn: Connection, session):
    w, _ = search_fleet(conn)
    other = make_equipement(conn, w["client2"], nom=f"Pompe {TOKEN}", numero_serie=f"{TOKEN}-O")
    q = f"pompe {TOKEN}"
    for actor, client in (
        ("actor_admin", None),
        ("actor_resp", None),
        ("actor_tech1", None),
        ("actor_client1", w["client1"]),
        ("actor_client2", w["client2"]),
    ):
        act_as(session, w[actor])
        expected = reference(conn, q, client)
        seen, total = pages(session, q, desc=False, size=4)
        assert seen == expected and int(total) == len(expected), actor
    assert other in reference(conn, q)


def test_a_machine_matching_by_itself_and_by_its_client_is_listed_once(conn: Connection, session):
    w = world(conn)
    company, _ = make_client(conn, nom_entreprise=f"Pompes {TOKEN} SARL")
    both = make_equipement(conn, company, nom=f"Pompe {TOKEN}", numero_serie=f"{TOKEN}-B")
    by_client = make_equipement(conn, company, nom="Broyeur", numero_serie=f"{TOKEN}-C")
    act_as(session, w["actor_resp"])
    rows, total = svc.list_equipements(session=session, filters=F(q=f"pompe {TOKEN}"))
    assert [r["id"] for r in rows] == [by_client, both] and int(total) == 2 and total.exact


def test_a_search_page_past_the_end_is_empty_with_the_exact_total(conn: Connection, session):
    w, _ = search_fleet(conn)
    act_as(session, w["actor_resp"])
    n = len(reference(conn, f"pompe {TOKEN}"))
    for page in (5, 10**12):
        rows, total = svc.list_equipements(
            session=session, filters=F(q=f"pompe {TOKEN}"), page=page, page_size=4
        )
        assert rows == [] and total.exact and int(total) == n
    rows, total = svc.list_equipements(session=session, filters=F(q=f"introuvable {TOKEN}"))
    assert rows == [] and total.exact and int(total) == 0


def test_a_search_with_filters_or_another_order_gives_the_same_machines(conn: Connection, session):
    w, _ = search_fleet(conn)
    act_as(session, w["actor_admin"])
    q = f"pompe {TOKEN}"
    expected = reference(conn, q)
    rows, total = svc.list_equipements(
        session=session, filters=F(q=q, statuts=("operationnel",)), page_size=100
    )
    assert [r["id"] for r in rows] == expected and int(total) == len(expected)
    rows, total = svc.list_equipements(
        session=session, filters=F(q=q), sort=("numero_serie", False), page_size=3
    )
    assert len(rows) == 3 and total.exact and int(total) == len(expected)
    assert [r["numero_serie"] for r in rows] == sorted(
        r["numero_serie"]
        for r in svc.list_equipements(
            session=session, filters=F(q=q), sort=("numero_serie", False), page_size=100
        )[0]
    )[:3]


def test_the_registry_says_more_than_its_count_cap_instead_of_counting_on(
    conn: Connection, session, monkeypatch
):
    from db.equipment.service import list as list_module

    w, _ = fleet(conn, 7)
    monkeypatch.setattr(list_module, "LIST_COUNT_CAP", 3)
    act_as(session, w["actor_resp"])
    rows, total = svc.list_equipements(
        session=session, filters=F(q=TOKEN, statuts=("operationnel",)), page_size=2
    )
    assert len(rows) == 2 and not total.exact and int(total) == 3
    # A search alone in the name order knows its exact total without counting.
    rows, total = svc.list_equipements(session=session, filters=F(q=TOKEN), page_size=2)
    assert len(rows) == 2 and total.exact and int(total) == 7


def test_a_page_s_inline_count_is_the_separate_count(conn: Connection, session):
    fleet(conn, 7)
    for cap in (3, 7, 50):
        for page in (1, 2, 3):
            inline = paginate(
                session,
                mine(session),
                order_by=[Equipement.id],
                page=page,
                page_size=2,
                count_cap=cap,
                count_inline=True,
            )
            separate = paginate(
                session,
                mine(session),
                order_by=[Equipement.id],
                page=page,
                page_size=2,
                count_cap=cap,
            )
            assert inline[0] == separate[0]
            assert (int(inline[1]), inline[1].exact) == (int(separate[1]), separate[1].exact)


def test_the_stored_search_text_follows_the_machine(conn: Connection, session):
    w = world(conn)
    eid = make_equipement(conn, w["client1"], nom=f"Pompe {TOKEN}", numero_serie=f"{TOKEN}-T")
    conn.execute(
        text("UPDATE equipements SET localisation = 'Quai NORD' WHERE id = :i"), {"i": eid}
    )
    stored = conn.execute(
        text("SELECT texte_recherche FROM equipements WHERE id = :i"), {"i": eid}
    ).scalar_one()
    assert stored == f"pompe {TOKEN.lower()}   {TOKEN.lower()}-t quai nord"


def _plan(session, stmt: Any) -> str:
    compiled = stmt.compile(compile_kwargs={"literal_binds": True})
    return "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())


def test_a_filter_on_machines_out_of_service_walks_their_index_under_row_level_security(
    conn: Connection, session
):
    from db.equipment.service import list as list_module

    w = world(conn)
    act_as(session, w["actor_tech1"])
    # A demo-sized table is read whole otherwise: the plan shape is what is checked.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    f = F(statuts=("panne", "maintenance"), criticites=("critique", "haute"))
    conds = list_module._conditions(f)
    counted = select(Equipement.id).where(*conds).limit(1001).subquery()
    count_plan = _plan(session, select(func.count()).select_from(counted))
    assert "Index Only Scan using idx_equipement_a_surveiller" in count_plan, count_plan
    page = select(Equipement.id).where(*conds).order_by(Equipement.nom, Equipement.id).limit(25)
    page_plan = _plan(session, page)
    assert "using idx_equipement_a_surveiller" in page_plan and "Sort" not in page_plan
    # The rows are the same as a plain read's.
    for statuts in (("panne",), ("retire",), ("panne", "maintenance")):
        rows, total = svc.list_equipements(
            session=session, filters=F(statuts=statuts), page_size=500
        )
        expected = conn.execute(
            text("SELECT id FROM equipements WHERE statut::text = ANY(:s) ORDER BY nom, id"),
            {"s": list(statuts)},
        ).scalars()
        assert [r["id"] for r in rows] == list(expected) and int(total) == len(rows)


# --------------------------------------------------------------------------------------------
# Kept search results: per user, re-checked rows, forgotten on writes
# --------------------------------------------------------------------------------------------


def test_a_kept_search_is_reused_for_the_next_page_without_a_second_look_up(
    conn: Connection, session, monkeypatch
):
    from db.equipment.service import list as list_module

    w, _ = search_fleet(conn)
    act_as(session, w["actor_resp"])
    q = F(q=f"pompe {TOKEN}")
    first, total = svc.list_equipements(session=session, filters=q, page_size=3)
    looked_up: list[list[str]] = []
    real = list_module._ordered_search_ids

    def spy(words: list[str]) -> Any:
        looked_up.append(words)
        return real(words)

    monkeypatch.setattr(list_module, "_ordered_search_ids", spy)
    second, again = svc.list_equipements(session=session, filters=q, page=2, page_size=3)
    assert looked_up == [] and int(again) == int(total)
    assert [r["id"] for r in first + second] == reference(conn, f"pompe {TOKEN}")[:6]
    # Another user asking the same words looks them up.
    act_as(session, w["actor_admin"])
    svc.list_equipements(session=session, filters=q, page_size=3)
    assert looked_up == [["pompe", TOKEN]]


def test_a_kept_search_never_answers_another_user(conn: Connection, session):
    w, _ = search_fleet(conn)
    theirs = make_equipement(conn, w["client2"], nom=f"Pompe {TOKEN}", numero_serie=f"{TOKEN}-Z")
    q = F(q=f"pompe {TOKEN}")
    act_as(session, w["actor_client1"])
    mine_rows, mine_total = svc.list_equipements(session=session, filters=q, page_size=100)
    act_as(session, w["actor_client2"])
    rows, total = svc.list_equipements(session=session, filters=q, page_size=100)
    assert [r["id"] for r in rows] == [theirs] and int(total) == 1
    assert theirs not in {r["id"] for r in mine_rows} and int(mine_total) == len(mine_rows)
    act_as(session, w["actor_admin"])
    rows, total = svc.list_equipements(session=session, filters=q, page_size=100)
    assert int(total) == len(mine_rows) + 1


def test_a_kept_search_never_shows_a_machine_that_stopped_matching(conn: Connection, session):
    w, _ = search_fleet(conn)
    act_as(session, w["actor_resp"])
    q = F(q=f"pompe {TOKEN}")
    rows, total = svc.list_equipements(session=session, filters=q, page_size=3)
    renamed = rows[0]["id"]
    # Written behind the service's back (another process would do the same).
    conn.execute(
        text("UPDATE equipements SET nom = 'Broyeur', modele = 'B' WHERE id = :i"), {"i": renamed}
    )
    rows, again = svc.list_equipements(session=session, filters=q, page_size=3)
    assert renamed not in {r["id"] for r in rows} and int(again) == int(total) - 1
    assert [r["id"] for r in rows] == reference(conn, f"pompe {TOKEN}")[:3]


def test_a_machine_created_through_the_registry_is_found_at_once(conn: Connection, session):
    w, _ = search_fleet(conn)
    act_as(session, w["actor_resp"])
    q = F(q=f"pompe {TOKEN}")
    _, total = svc.list_equipements(session=session, filters=q)
    new = svc.create_equipement(
        session=session,
        actor=w["actor_resp"],
        data={
            "client_id": w["client1"],
            "nom": f"Pompe neuve {TOKEN}",
            "numero_serie": f"{TOKEN}-N",
        },
    )
    rows, again = svc.list_equipements(session=session, filters=q, page_size=100)
    assert new in {r["id"] for r in rows} and int(again) == int(total) + 1


def test_the_client_picker_reads_its_first_clients_from_an_index_under_row_level_security(
    conn: Connection, session
):
    w = world(conn)
    act_as(session, w["actor_tech1"])
    session.execute(text("SET LOCAL enable_seqscan = off"))  # a demo-sized table
    stmt = select(Client.id, Client.nom_entreprise).order_by(Client.nom_entreprise, Client.id)
    plan = _plan(session, stmt.limit(50))
    # Read in name order from an index, never a sort of every client. On a demo-sized table
    # the planner may pick the name-only index plus an incremental sort of equal names (a
    # group of rows, not the table): both are bounded; a plain Sort node is not.
    presorted = "Presorted Key: clients.nom_entreprise"
    assert "using idx_client_nom_id" in plan or (
        "using idx_client_nom_entreprise" in plan and presorted in plan
    ), plan
    assert not re.search(r"(^|->\s+)Sort\b", plan, re.MULTILINE), plan


def test_a_search_kept_between_a_write_and_its_commit_is_forgotten_at_the_commit(
    conn: Connection, session
):
    from db.equipment.service import list as list_module

    w, _ = search_fleet(conn)
    act_as(session, w["actor_resp"])
    q = F(q=f"pompe {TOKEN}")
    list_module.forget_searches(session)  # what a machine's creation calls before its commit
    # another user's search between the write and the commit: kept, without the new row
    svc.list_equipements(session=session, filters=q, page_size=3)
    assert list_module._reused
    session.commit()  # the test's savepoint: the session's own transaction commits
    assert not list_module._reused


def test_a_word_in_too_many_machines_is_not_kept(conn: Connection, session, monkeypatch):
    from db.equipment.service import list as list_module

    w, _ = search_fleet(conn)
    act_as(session, w["actor_resp"])
    list_module.forget_searches()
    monkeypatch.setattr(list_module, "SEARCH_REUSE_MAX_IDS", 1)
    rows, total = svc.list_equipements(session=session, filters=F(q=f"pompe {TOKEN}"))
    assert int(total) > 1 and rows
    assert not list_module._reused
