"""Hostile inputs to every public service entry point: 0 raw exceptions, 0 partial writes.

Hypothesis draws what a careless or malicious user can send through a form, a URL or a file:
text with NUL bytes, lone surrogates, SQL metacharacters, right-to-left marks, emoji and huge
lengths; numbers such as ``inf``, ``nan``, ``1e20``, ``2**31``, ``2**63``, ``-1``; dates from
year 1 to 9999 (``31/12/2100`` included); unknown enum strings; wrong types. Each public
function of the services is called with them, as each role, through the app role (``act_as``),
and must either succeed or refuse with a ``ServiceError`` / ``ValidationError`` whose messages
are French and displayable. After a refused write the tables it writes are unchanged.

The public functions are enumerated with ``inspect``: a new service function without a case
here (or an entry in ``NOT_ENTRY_POINTS`` saying why it needs none) fails
``test_every_public_service_function_has_a_hostile_case``. The figures (tried / clean French
refusal / raw exception) are printed at the end of the module.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.equipment import service as equipment
from db.equipment.models import Equipement
from db.errors import ServiceError
from db.people import service as people
from db.session import Actor
from tests.conftest import ENGLISH_MARKERS, act_as
from tests.factories import make_contrat, make_intervention, world

SERVICE_MODULES: tuple[str, ...] = (
    "db.equipment.service",
    "db.reporting.service",
    "db.query",
    "db.people.service",
    *(
        f"db.interventions.service.{m}"
        for m in ("checklist", "parts", "documents", "thread", "rating", "timeline", "cost")
    ),
)
# Public functions that are not entry points for user input, and why.
NOT_ENTRY_POINTS: dict[str, str] = {
    # Sign-in lives in db.people.auth (the login rewrite, with its own tests); this pure
    # helper stays in the people service for it.
    "db.people.service.verify_password": "login helper of db.people.auth",
    # Builds an SQL condition from column objects and the values of a row already read: no
    # user input reaches it (keyset_page, which takes it, has its case).
    "db.query.after_condition": "SQL building block of keyset_page",
    "db.query.not_null": "reads a column object's declaration, never user input",
    "db.query.order_clause": "SQL building block of keyset_page (column objects only)",
    # The page/size clamping shared by paginate and the lists: their cases feed it hostile
    # pages and sizes.
    "db.query.page_window": "clamping step of paginate and the list services",
    # Takes the rows a list service has just read (board cards, a technician's work), never
    # user input; allowed_transitions, its one-row form, has its case.
    "db.interventions.service.write.allowed_transitions_of": "rows read by the services",
}
ROLES = ("admin", "responsable", "technicien", "client")
# Who calls what, as the pages do: each database role may read only what its pages show
# (db/access/matrix.csv), so a manager's figure asked for by a client is a refusal of the
# database, not a hostile input.
STAFF = ("admin", "responsable")
MAX_EXAMPLES = 40
HOSTILE_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays stable
    database=None,
    # No shrinking: a failure is reported with the example as drawn, in seconds, not minutes.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SUMMARY_FILE = Path(__file__).resolve().parents[2] / "artifacts" / "hostile_inputs.json"

# ------------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------------

HOSTILE_STRINGS: tuple[str, ...] = (
    "",
    "   ",
    "\x00",
    "Pompe\x00",
    "\x00' OR '1'='1",
    "\ud800",
    "Pompe \udfff",
    "\ud83d",  # half of an emoji pair
    "x" * 10_001,
    "é" * 300,
    "' OR 1=1; --",
    "'; DROP TABLE equipements; --",
    "%_\\%",
    "$$; SELECT pg_sleep(10); $$",
    "\u202eenilpac\u202c",  # right-to-left override
    "مضخة المياه",
    "🔧🏭💥",
    "\r\n\t",
    "\x1b[31mrouge",
    "\ufeffBOM",
    "\uffff\ufffe",
    "<script>alert(1)</script>",
    "**gras** [lien](javascript:alert(1))",
    "NaN",
    "inf",
    "1e20",
    "null",
)
_ODD_CHARS = st.characters(categories=["Cs", "Cc", "Cf", "Lo", "So", "Zs", "Mn", "Lu", "Nd", "Po"])
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(alphabet=_ODD_CHARS, max_size=40),
    st.text(max_size=20).map(lambda s: s + "\x00" + s),
    st.integers(min_value=150, max_value=25_000).map(lambda n: "a" * n),
)

HOSTILE_NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    1,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**63,
    -(2**63) - 1,
    10**20,
    1e20,
    -1e20,
    math.inf,
    -math.inf,
    math.nan,
    0.5,
    -0.0,
    True,
    False,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1e20"),
    Decimal("1E+999999"),
    Decimal("1E-999999"),
    "1e20",
    "inf",
    "-1",
    "2147483648",
    "9" * 400,
    "12 345,50",
    "abc",
    "",
    "\x00",
    "\ud800",
    None,
)
hostile_number = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)

HOSTILE_DATES: tuple[Any, ...] = (
    date(1, 1, 1),
    date(1899, 12, 31),
    date(1900, 1, 1),
    date(2100, 12, 31),
    date(9999, 12, 31),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(1, 1, 1),
    "31/12/2100",
    "2100-12-31",
    "9999-12-31",
    "31/12/9999",
    "00/00/0000",
    "29/02/2023",
    "32/13/2024",
    "01/01/1800",
    "hier",
    "",
    "\x00",
    "\ud800",
    0,
    1e20,
    math.nan,
    None,
)
hostile_date = st.one_of(
    st.sampled_from(HOSTILE_DATES),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
)

HOSTILE_ENUMS: tuple[Any, ...] = (
    "",
    "xyz",
    "PANNE",
    " panne ",
    "retiré",
    "Retiré",
    "panne\x00",
    "\ud800",
    "'; DROP TYPE statut_equipement; --",
    "operationnel,panne",
    None,
    0,
    1e20,
)
JUNK: tuple[Any, ...] = ([], {}, (), b"\x00\xff", object(), {"a": 1}, [1, 2])
hostile_any = st.one_of(
    hostile_text, hostile_number, hostile_date, st.sampled_from(HOSTILE_ENUMS + JUNK)
)


def maybe(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A good value about a third of the time, else a hostile one."""
    return st.one_of(good, bad, bad)


# ------------------------------------------------------------------------------------------
# The world the examples act in (one rolled-back transaction for the whole module)
# ------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    """Ids and actors of the module's world, and a serial-number counter."""

    conn: Connection
    actors: dict[str, Actor]
    ids: dict[str, Any]
    serials: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def stamp(self, equipement_id: Any) -> datetime | None:
        """The machine's current version (``updated_at``), None for what is not a machine id."""
        if type(equipement_id) is not int or not 0 < equipement_id < 2**31:
            return None
        return self.conn.execute(
            text("SELECT updated_at FROM equipements WHERE id = :i"), {"i": equipement_id}
        ).scalar()


@dataclass
class Tally:
    """Outcome counts of one service module."""

    tried: int = 0
    succeeded: int = 0
    refused: int = 0
    raw: int = 0


TALLY: dict[str, Tally] = {}
RAW_SAMPLES: list[str] = []


@pytest.fixture(scope="module")
def ctx(owner_engine: Engine) -> Iterator[Ctx]:
    """The usual cast (two companies, technicians, staff) in a transaction rolled back at the
    end; bcrypt runs at its lowest cost so successful password examples stay fast."""
    with pytest.MonkeyPatch.context() as mp, owner_engine.connect() as conn:
        mp.setattr(people, "BCRYPT_ROUNDS", 4)
        trans = conn.begin()
        try:
            cast = world(conn)
            make_contrat(conn, cast["client1"])
            make_intervention(conn, cast["equip1"], statut="cloturee", technicien_id=cast["tech1"])
            usernames = conn.execute(
                text("SELECT username FROM users WHERE id = :u"),
                {"u": cast["actor_client1"].user_id},
            ).scalar_one()
            actors = {
                "admin": cast["actor_admin"],
                "responsable": cast["actor_resp"],
                "technicien": cast["actor_tech1"],
                "client": cast["actor_client1"],
            }
            yield Ctx(conn=conn, actors=actors, ids={**cast, "username": usernames})
        finally:
            trans.rollback()


@pytest.fixture(scope="module", autouse=True)
def private_file_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads drawn here go to a throw-away folder, not to the data folder's file store."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MIF_FILES_DIR", str(tmp_path_factory.mktemp("files")))
        yield


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print (and save) tried / clean French refusal / raw exception per service module."""
    yield
    if not TALLY:
        return
    total = Tally(
        tried=sum(t.tried for t in TALLY.values()),
        succeeded=sum(t.succeeded for t in TALLY.values()),
        refused=sum(t.refused for t in TALLY.values()),
        raw=sum(t.raw for t in TALLY.values()),
    )
    lines = [
        "hostile inputs: module, tried, succeeded, clean French refusal, raw exception",
        *(
            f"  {name:<24} {t.tried:>6} {t.succeeded:>6} {t.refused:>6} {t.raw:>6}"
            for name, t in sorted(TALLY.items())
        ),
        f"  {'total':<24} {total.tried:>6} {total.succeeded:>6} {total.refused:>6} {total.raw:>6}",
    ]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown even without ``-s``
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)
    SUMMARY_FILE.parent.mkdir(exist_ok=True)
    SUMMARY_FILE.write_text(
        json.dumps(
            {
                "modules": {k: vars(v) for k, v in sorted(TALLY.items())},
                "total": vars(total),
                "raw_samples": RAW_SAMPLES[:50],
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


# ------------------------------------------------------------------------------------------
# Cases: one per public function, each drawing its keyword arguments
# ------------------------------------------------------------------------------------------

Draw = Callable[[Any, Ctx], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """How to call one service function with hostile input.

    ``draw(data, ctx)`` returns the keyword arguments; ``roles`` the roles to act as;
    ``writes`` the tables a refused call must leave unchanged.
    """

    draw: Draw
    roles: tuple[str, ...] = ROLES
    writes: tuple[str, ...] = ()


def _filters(data: Any, ctx: Ctx) -> Any:
    ids = st.sampled_from([ctx.ids["client1"], ctx.ids["client2"]])
    statuts = st.lists(maybe(st.sampled_from(equipment.STATUTS), st.sampled_from(HOSTILE_ENUMS)))
    crits = st.lists(maybe(st.sampled_from(equipment.CRITICITES), st.sampled_from(HOSTILE_ENUMS)))
    built = st.builds(
        equipment.EquipementFilters,
        q=maybe(st.sampled_from(["", "Pompe", "Atlas 2024", "compresseur"]), hostile_text),
        statuts=st.one_of(statuts.map(tuple), statuts, st.sampled_from(HOSTILE_ENUMS)),
        criticites=st.one_of(crits.map(tuple), st.sampled_from(HOSTILE_ENUMS)),
        client_id=st.one_of(st.none(), ids, hostile_number),
        maintenance_avant=st.one_of(st.none(), hostile_date),
        garantie_avant=st.one_of(st.none(), hostile_date),
    )
    return data.draw(st.one_of(st.none(), built, built, st.sampled_from(HOSTILE_ENUMS + JUNK)))


def _sort(data: Any, keys: Any) -> Any:
    good = st.tuples(st.sampled_from(list(keys)), st.booleans())
    bad = st.one_of(
        st.tuples(hostile_text, st.booleans()),
        st.tuples(st.sampled_from(list(keys)), hostile_number),
        st.sampled_from(HOSTILE_ENUMS + JUNK),
        st.lists(hostile_any, max_size=3),
    )
    return data.draw(st.one_of(st.none(), maybe(good, bad)))


def _paging(data: Any) -> dict[str, Any]:
    return {
        "page": data.draw(maybe(st.integers(1, 5), hostile_number)),
        "page_size": data.draw(maybe(st.sampled_from([25, 50, 100]), hostile_number)),
    }


def _equip_id(data: Any, ctx: Ctx) -> Any:
    return data.draw(maybe(st.sampled_from([ctx.ids["equip1"], ctx.ids["equip2"]]), hostile_number))


def _form(data: Any, ctx: Ctx) -> Any:
    """A create/edit form: valid values, some of them replaced by hostile ones."""
    n = next(ctx.serials)
    valid: dict[str, Any] = {
        "client_id": ctx.ids["client1"],
        "nom": f"Pompe hostile {n}",
        "numero_serie": f"SN-HOSTILE-{n}",
        "modele": "CR 45",
        "date_installation": date(2024, 3, 1),
        "criticite": "haute",
        "cout_acquisition": "48 500,50",
        "duree_garantie_mois": 24,
    }
    keys = st.sampled_from([*equipment.FIELDS, "inconnu", "id", "updated_at"])
    patch = data.draw(st.dictionaries(keys, hostile_any, max_size=4))
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(st.sampled_from(HOSTILE_ENUMS + JUNK))  # not a mapping at all
    return {**valid, **patch}


def _csv(data: Any, ctx: Ctx) -> Any:
    """An import file: a header, good lines and hostile cells, or hostile bytes."""
    n = next(ctx.serials)
    cols = list(equipment.IMPORT_COLUMNS)
    good_row = {"client": "", "nom": f"Tour {n}", "numero_serie": f"SN-HOSTILE-CSV-{n}"}
    client_name = ctx.conn.execute(
        text("SELECT nom_entreprise FROM clients WHERE id = :c"), {"c": ctx.ids["client1"]}
    ).scalar_one()
    good_row["client"] = client_name
    cell = st.one_of(
        hostile_text,
        hostile_number.map(str),
        hostile_date.map(lambda d: d.strftime("%d/%m/%Y") if isinstance(d, date) else str(d)),
        st.sampled_from([str(x) for x in HOSTILE_ENUMS]),
    )
    bad_row = data.draw(st.dictionaries(st.sampled_from(cols), cell, max_size=5))
    delimiter = data.draw(st.sampled_from([";", ","]))
    lines = [delimiter.join(cols)]
    for row in ({**good_row}, {**good_row, **bad_row, "numero_serie": f"SN-HOSTILE-CSV-{n}b"}):
        lines.append(
            delimiter.join('"' + str(row.get(c, "")).replace('"', '""') + '"' for c in cols)
        )
    content = "\r\n".join(lines).encode("utf-8", errors="surrogatepass")
    return data.draw(
        st.one_of(
            st.just(content),
            st.just(content),
            st.binary(max_size=200),
            st.just(b"client;nom;numero_serie\r\n\x00;\xff\xfe;x"),
            st.just(
                ("client;nom;numero_serie\r\n" + client_name + ";a;\ud800").encode(
                    "utf-8", errors="surrogatepass"
                )
            ),
            st.sampled_from(HOSTILE_STRINGS + JUNK[:3] + (None, 42)),
        )
    )


def _stamp(data: Any, ctx: Ctx, equipement_id: Any) -> Any:
    real = ctx.stamp(equipement_id)
    return data.draw(
        maybe(
            st.just(real),
            st.one_of(hostile_date, st.sampled_from([None, "hier", datetime.max, math.nan])),
        )
    )


def _update(data: Any, ctx: Ctx) -> dict[str, Any]:
    eid = _equip_id(data, ctx)
    return {
        "equipement_id": eid,
        "expected_updated_at": _stamp(data, ctx, eid),
        "data": _form(data, ctx),
    }


def _change_statut(data: Any, ctx: Ctx) -> dict[str, Any]:
    eid = _equip_id(data, ctx)
    statut = data.draw(
        maybe(
            st.sampled_from(equipment.STATUTS),
            st.one_of(st.sampled_from(HOSTILE_ENUMS), hostile_text),
        )
    )
    return {"equipement_id": eid, "statut": statut, "expected_updated_at": _stamp(data, ctx, eid)}


def _tech_id(data: Any, ctx: Ctx) -> Any:
    return data.draw(maybe(st.sampled_from([ctx.ids["tech1"], ctx.ids["tech2"]]), hostile_number))


def _client_id(data: Any, ctx: Ctx) -> Any:
    return data.draw(
        maybe(st.sampled_from([ctx.ids["client1"], ctx.ids["client2"]]), hostile_number)
    )


def _limit(data: Any) -> Any:
    return data.draw(maybe(st.integers(1, 50), hostile_number))


def _day(data: Any) -> Any:
    return data.draw(
        st.one_of(st.none(), maybe(st.dates(date(2020, 1, 1), date(2030, 1, 1)), hostile_date))
    )


def _instant(data: Any) -> Any:
    good = st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC))
    return data.draw(st.one_of(st.none(), maybe(good, hostile_date)))


def _password(data: Any) -> Any:
    return data.draw(maybe(st.just("Bon-MotDePasse1"), st.one_of(hostile_text, hostile_number)))


def _username(data: Any, ctx: Ctx) -> Any:
    return data.draw(maybe(st.just(ctx.ids["username"]), st.one_of(hostile_text, hostile_number)))


def _new_user(data: Any, ctx: Ctx) -> dict[str, Any]:
    n = next(ctx.serials)
    return {
        "username": data.draw(maybe(st.just(f"agent.hostile{n}"), hostile_any)),
        "full_name": data.draw(maybe(st.just("Agent Hostile"), hostile_any)),
        "email": data.draw(maybe(st.just(f"agent{n}@mif-maroc.ma"), hostile_any)),
        "password": _password(data),
        "role": data.draw(
            maybe(st.sampled_from(ROLES), st.one_of(st.sampled_from(HOSTILE_ENUMS), hostile_text))
        ),
        "is_active": data.draw(maybe(st.booleans(), st.sampled_from(HOSTILE_NUMBERS))),
    }


def _none(data: Any, ctx: Ctx) -> dict[str, Any]:
    return {}


E, R, Q, P = "db.equipment.service", "db.reporting.service", "db.query", "db.people.service"
CASES: dict[str, Case] = {
    # ---- equipment: reads
    f"{E}.list_equipements": Case(
        lambda d, c: {
            "filters": _filters(d, c),
            "sort": _sort(d, equipment.SORT_KEYS),
            **_paging(d),
        }
    ),
    f"{E}.search_ids": Case(
        lambda d, c: {"q": d.draw(maybe(st.sampled_from(["", "Pompe", "Atlas 24"]), hostile_text))}
    ),
    f"{E}.count_equipements": Case(lambda d, c: {"filters": _filters(d, c)}),
    f"{E}.iter_equipements_for_export": Case(
        lambda d, c: {
            "filters": _filters(d, c),
            "sort": _sort(d, equipment.SORT_KEYS),
            "chunk_size": d.draw(maybe(st.integers(1, 2000), hostile_number)),
        }
    ),
    f"{E}.client_choices": Case(
        lambda d, c: {
            "q": d.draw(maybe(st.just("atlas"), hostile_any)),
            "limit": _limit(d),
            "include": d.draw(st.one_of(st.none(), hostile_number)),
        }
    ),
    f"{E}.export_chunk_equipements": Case(
        lambda d, c: {
            "filters": _filters(d, c),
            "sort": _sort(d, equipment.SORT_KEYS),
            "after": None if d.draw(st.booleans()) else _equip_id(d, c),
            "chunk_size": d.draw(maybe(st.integers(1, 2000), hostile_number)),
        }
    ),
    f"{E}.clean_filters": Case(lambda d, c: {"filters": _filters(d, c)}, roles=("admin",)),
    f"{E}.date_limits": Case(lambda d, c: {"today": d.draw(hostile_date)}, roles=("admin",)),
    f"{E}.get_equipement_detail": Case(
        lambda d, c: {"equipement_id": d.draw(st.one_of(st.just(_equip_id(d, c)), hostile_text))}
    ),
    f"{E}.list_equipement_interventions": Case(
        lambda d, c: {
            "filters": _equip_id(d, c),
            "sort": _sort(d, equipment.INTERVENTION_SORT_KEYS),
            **_paging(d),
        }
    ),
    f"{E}.list_historique_maintenance": Case(
        lambda d, c: {
            "filters": _equip_id(d, c),
            "sort": _sort(d, equipment.HISTORY_SORT_KEYS),
            **_paging(d),
        }
    ),
    f"{E}.import_template_csv": Case(_none, roles=("admin",)),
    f"{E}.validate_equipement": Case(lambda d, c: {"data": _form(d, c)}, roles=("admin",)),
    f"{E}.require_writer": Case(_none),
    # ---- equipment: writes
    f"{E}.create_equipement": Case(lambda d, c: {"data": _form(d, c)}, writes=("equipements",)),
    f"{E}.update_equipement": Case(_update, writes=("equipements",)),
    f"{E}.change_statut": Case(_change_statut, writes=("equipements",)),
    f"{E}.import_equipements_csv": Case(
        lambda d, c: {"file_bytes": _csv(d, c)}, writes=("equipements",)
    ),
    # ---- reporting (home page figures and lists)
    f"{R}.manager_figures": Case(lambda d, c: {"today": _day(d), "now": _instant(d)}, roles=STAFF),
    f"{R}.technician_figures": Case(
        lambda d, c: {"technicien_id": _tech_id(d, c), "today": _day(d), "now": _instant(d)}
    ),
    f"{R}.client_figures": Case(lambda d, c: {"client_id": _client_id(d, c)}),
    f"{R}.open_interventions": Case(lambda d, c: {"limit": _limit(d)}, roles=STAFF),
    f"{R}.late_interventions": Case(
        lambda d, c: {"now": _instant(d), "limit": _limit(d)}, roles=STAFF
    ),
    f"{R}.technician_agenda": Case(
        lambda d, c: {
            "technicien_id": _tech_id(d, c),
            "start": d.draw(maybe(st.just(date(2026, 1, 5)), hostile_date)),
            "end": d.draw(maybe(st.just(date(2026, 1, 12)), hostile_date)),
            "limit": _limit(d),
        }
    ),
    f"{R}.client_open_requests": Case(
        lambda d, c: {"client_id": _client_id(d, c), "limit": _limit(d)}
    ),
    f"{R}.parts_below_minimum": Case(lambda d, c: {"limit": _limit(d)}, roles=STAFF),
    f"{R}.contracts_ending": Case(lambda d, c: {"today": _day(d), "limit": _limit(d)}, roles=STAFF),
    f"{R}.late_invoices": Case(lambda d, c: {"today": _day(d), "limit": _limit(d)}, roles=STAFF),
    f"{R}.technician_open_interventions": Case(
        lambda d, c: {
            "technicien_id": _tech_id(d, c),
            "now": _instant(d),
            "late_only": d.draw(maybe(st.booleans(), st.sampled_from(HOSTILE_NUMBERS))),
            "limit": _limit(d),
        }
    ),
    f"{R}.database_status": Case(_none, roles=("admin",)),
    f"{R}.head_revision": Case(_none, roles=("admin",)),
    f"{R}.business_now": Case(_none, roles=("admin",)),
    f"{R}.business_today": Case(_none, roles=("admin",)),
    f"{R}.week_bounds": Case(lambda d, c: {"day": d.draw(hostile_date)}, roles=("admin",)),
    # ---- shared query helpers
    f"{Q}.like_pattern": Case(lambda d, c: {"term": d.draw(hostile_any)}, roles=("admin",)),
    f"{Q}.capped_count": Case(
        lambda d, c: {"stmt": select(Equipement.id), "cap": d.draw(st.integers(0, 50))},
        roles=("admin", "client"),
    ),
    f"{Q}.keyset_page": Case(
        lambda d, c: {
            "stmt": select(Equipement.id, Equipement.nom),
            "keys": [(Equipement.nom, False), (Equipement.id, False)],
            "after": None if d.draw(st.booleans()) else ["Pompe", 1],
            "page_size": d.draw(maybe(st.integers(1, 50), hostile_number)),
        },
        roles=("admin", "client"),
    ),
    f"{Q}.paginate": Case(
        lambda d, c: {
            "stmt": select(Equipement.id, Equipement.nom),
            "order_by": [Equipement.id],
            **_paging(d),
        },
        roles=("admin", "client"),
    ),
    # ---- people: account functions (run as the app, for an administrator)
    f"{P}.check_password_policy": Case(lambda d, c: {"password": _password(d)}, roles=("admin",)),
    f"{P}.hash_password": Case(lambda d, c: {"password": _password(d)}, roles=("admin",)),
    f"{P}.create_user": Case(_new_user, roles=("admin",), writes=("users",)),
    f"{P}.set_password": Case(
        lambda d, c: {"username": _username(d, c), "password": _password(d)},
        roles=("admin",),
        writes=("users",),
    ),
    f"{P}.set_active": Case(
        lambda d, c: {
            "username": _username(d, c),
            "active": d.draw(maybe(st.booleans(), st.sampled_from(HOSTILE_NUMBERS))),
        },
        roles=("admin",),
        writes=("users",),
    ),
}


# ---- the intervention file (checklist, parts, documents, thread, rating, timeline, cost)
IS = "db.interventions.service"
_PDF = b"%PDF-1.4\n%hostile\n%%EOF\n"
_EXE = b"MZ\x90\x00" + b"\x00" * 60


def _iid(data: Any, ctx: Ctx) -> Any:
    return data.draw(maybe(st.sampled_from([ctx.ids["interv1"], ctx.ids["interv2"]]), hostile_any))


def _small_id(data: Any) -> Any:
    """An id of the demo data (parts, tasks, documents) or a hostile one."""
    return data.draw(maybe(st.integers(1, 30), hostile_any))


def _quantity(data: Any) -> Any:
    return data.draw(maybe(st.integers(1, 3), hostile_number))


def _upload(data: Any, ctx: Ctx) -> dict[str, Any]:
    target = data.draw(st.sampled_from(["intervention", "equipement", "both", "none"]))
    return {
        "intervention_id": _iid(data, ctx) if target in ("intervention", "both") else None,
        "equipement_id": _equip_id(data, ctx) if target in ("equipement", "both") else None,
        "filename": data.draw(maybe(st.just("rapport.pdf"), hostile_any)),
        "content": data.draw(
            st.one_of(
                st.just(_PDF),
                st.just(_EXE),
                st.binary(max_size=200),
                st.sampled_from(HOSTILE_STRINGS + JUNK),
            )
        ),
        "description": data.draw(st.one_of(st.none(), hostile_any)),
        "type_document": data.draw(
            st.one_of(st.none(), st.sampled_from(["photo", "rapport"]), hostile_any)
        ),
    }


FILE_CASES: dict[str, Case] = {
    f"{IS}.checklist.list_tasks": Case(lambda d, c: {"intervention_id": _iid(d, c)}),
    f"{IS}.checklist.checklist_progress": Case(
        lambda d, c: {
            "intervention_ids": d.draw(
                st.one_of(
                    st.lists(maybe(st.just(c.ids["interv1"]), hostile_any), max_size=5),
                    st.sampled_from(HOSTILE_ENUMS + JUNK),
                )
            )
        }
    ),
    f"{IS}.checklist.add_task": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c),
            "description": d.draw(maybe(st.just("Contrôle"), hostile_any)),
            "date_echeance": _day(d),
        },
        writes=("taches",),
    ),
    f"{IS}.checklist.set_task_done": Case(
        lambda d, c: {"task_id": _small_id(d), "done": d.draw(maybe(st.booleans(), hostile_any))},
        writes=("taches",),
    ),
    f"{IS}.checklist.reorder_tasks": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c),
            "task_ids": d.draw(st.one_of(st.lists(hostile_any, max_size=4), hostile_any)),
        },
        writes=("taches",),
    ),
    f"{IS}.checklist.move_task": Case(
        lambda d, c: {
            "task_id": _small_id(d),
            "direction": d.draw(maybe(st.sampled_from(["up", "down"]), hostile_any)),
        },
        writes=("taches",),
    ),
    f"{IS}.checklist.delete_task": Case(lambda d, c: {"task_id": _small_id(d)}, writes=("taches",)),
    f"{IS}.parts.search_parts": Case(
        lambda d, c: {"term": d.draw(maybe(st.just("roulement"), hostile_any)), "limit": _limit(d)}
    ),
    f"{IS}.parts.list_parts_used": Case(
        lambda d, c: {"intervention_id": _iid(d, c), "limit": _limit(d)}
    ),
    f"{IS}.parts.use_part": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c),
            "piece_id": _small_id(d),
            "quantite": _quantity(d),
            "notes": d.draw(st.one_of(st.none(), hostile_any)),
        },
        writes=("mouvements_stock",),  # every line change books one (no id to digest lines by)
    ),
    f"{IS}.parts.return_part": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c),
            "piece_id": _small_id(d),
            "quantite": d.draw(st.one_of(st.none(), hostile_number)),
        },
        writes=("mouvements_stock",),  # every line change books one (no id to digest lines by)
    ),
    f"{IS}.documents.add_document": Case(_upload, writes=("documents",)),
    f"{IS}.documents.list_documents": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c) if d.draw(st.booleans()) else None,
            "equipement_id": _equip_id(d, c) if d.draw(st.booleans()) else None,
            "limit": _limit(d),
        }
    ),
    f"{IS}.documents.open_document": Case(lambda d, c: {"document_id": _small_id(d)}),
    f"{IS}.documents.document_thumbnail": Case(
        lambda d, c: {"document_id": _small_id(d), "size": d.draw(hostile_any)}
    ),
    f"{IS}.thread.get_or_create_thread": Case(
        lambda d, c: {"intervention_id": _iid(d, c)}, writes=("conversations",)
    ),
    f"{IS}.thread.list_messages": Case(
        lambda d, c: {"intervention_id": _iid(d, c), "limit": _limit(d)}
    ),
    f"{IS}.thread.clean_message": Case(
        lambda d, c: {"contenu": d.draw(hostile_any)}, roles=("admin",)
    ),
    f"{IS}.thread.post_message": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c),
            "contenu": d.draw(maybe(st.just("Bonjour"), hostile_any)),
        },
        writes=("messages", "conversations"),
    ),
    f"{IS}.rating.rate_intervention": Case(
        lambda d, c: {
            "intervention_id": _iid(d, c),
            "note": d.draw(maybe(st.integers(1, 5), hostile_any)),
            "commentaire": d.draw(st.one_of(st.none(), hostile_any)),
        },
        writes=("interventions", "messages"),
    ),
    f"{IS}.rating.get_rating": Case(lambda d, c: {"intervention_id": _iid(d, c)}),
    f"{IS}.timeline.list_timeline": Case(
        lambda d, c: {"intervention_id": _iid(d, c), **_paging(d)}
    ),
    f"{IS}.cost.compute_cost": Case(lambda d, c: {"intervention_id": _iid(d, c)}),
    f"{IS}.cost.hourly_rate": Case(_none, roles=("admin",)),
}
CASES.update(FILE_CASES)


# ---- interventions core: board and list, create / edit / status, dispatch
SERVICE_MODULES += tuple(f"{IS}.{m}" for m in ("list", "write", "dispatch"))
_STATUTS_I = ("ouverte", "affectee", "en_cours", "en_attente", "cloturee", "annulee", "archivee")
_ENUM_OR_TEXT = st.one_of(st.sampled_from(HOSTILE_ENUMS), hostile_text)


def _ifilters(data: Any, ctx: Ctx) -> Any:
    """Board / list criteria: valid values, some replaced by hostile ones, or no criteria."""
    from db.interventions.service.list import InterventionFilters

    def choices(good: tuple[str, ...]) -> Any:
        items = st.lists(maybe(st.sampled_from(good), _ENUM_OR_TEXT), max_size=3)
        return st.one_of(items.map(tuple), st.sampled_from(HOSTILE_ENUMS + JUNK))

    ident = st.one_of(st.none(), st.sampled_from([ctx.ids["client1"], ctx.ids["tech1"]]))
    built = st.builds(
        InterventionFilters,
        q=maybe(st.sampled_from(["", "Pompe", "fuite moteur"]), hostile_text),
        statuts=choices(_STATUTS_I),
        priorites=choices(("urgente", "haute", "normale")),
        types=choices(("corrective", "diagnostic")),
        client_id=maybe(ident, hostile_number),
        equipement_id=maybe(ident, hostile_number),
        technicien_id=maybe(ident, hostile_number),
        principal_id=maybe(ident, hostile_number),
        cree_du=st.one_of(st.none(), hostile_date),
        limite_au=st.one_of(st.none(), hostile_date),
        planifiee_du=st.one_of(st.none(), hostile_date),
        en_retard=maybe(st.booleans(), hostile_any),
        urgentes=maybe(st.booleans(), hostile_any),
        sort=st.one_of(st.none(), st.tuples(st.sampled_from(["titre", "date_limite"]),
                                            st.booleans()), st.sampled_from(JUNK)),
    )  # fmt: skip
    return data.draw(st.one_of(st.none(), built, built, st.sampled_from(HOSTILE_ENUMS + JUNK)))


def _url_params(data: Any, ctx: Ctx) -> dict[str, Any]:
    names = st.sampled_from(
        ["q", "statut", "priorite", "type", "client", "machine", "technicien", "principal",
         "cree_du", "cree_au", "planifiee_du", "limite_au", "retard", "urgent", "tri", "desc",
         "inconnu"]
    )  # fmt: skip
    value = st.one_of(hostile_any, st.lists(hostile_text, max_size=3))
    params = data.draw(st.dictionaries(names, maybe(st.just("1"), value), max_size=6))
    return {"params": params if data.draw(st.integers(0, 9)) else data.draw(st.sampled_from(JUNK))}


def _intervention_form(data: Any, ctx: Ctx) -> Any:
    """A create / edit form: valid values, some of them replaced by hostile ones."""
    valid: dict[str, Any] = {
        "equipement_id": ctx.ids["equip1"],
        "titre": f"Fuite hostile {next(ctx.serials)}",
        "description": "Fuite d'huile",
        "type_intervention": "corrective",
        "urgence": False,
    }
    keys = st.sampled_from(
        ["equipement_id", "titre", "description", "type_intervention", "priorite", "urgence",
         "date_planifiee", "date_limite", "duree_estimee", "cout_reel", "diagnostic",
         "solution", "competences", "statut", "client_id", "id"]
    )  # fmt: skip
    competences = st.lists(
        st.one_of(st.tuples(hostile_number, st.sampled_from(["expert", "xyz", None])), hostile_any),
        max_size=3,
    )
    patch = data.draw(st.dictionaries(keys, st.one_of(hostile_any, competences), max_size=4))
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(st.sampled_from(HOSTILE_ENUMS + JUNK))  # not a mapping at all
    return {**valid, **patch}


def _intervention_stamp(data: Any, ctx: Ctx, intervention_id: Any) -> Any:
    real = None
    if type(intervention_id) is int and 0 < intervention_id < 2**31:
        real = ctx.conn.execute(
            text("SELECT updated_at FROM interventions WHERE id = :i"), {"i": intervention_id}
        ).scalar()
    bad = st.one_of(hostile_date, st.sampled_from(["hier", "2024-13-45", datetime.max, math.nan]))
    return data.draw(st.one_of(st.none(), maybe(st.just(real), bad)))


def _statut_change(data: Any, ctx: Ctx) -> dict[str, Any]:
    iid = _iid(data, ctx)
    return {
        "intervention_id": iid,
        "statut": data.draw(maybe(st.sampled_from(_STATUTS_I), _ENUM_OR_TEXT)),
        "motif": data.draw(st.one_of(st.none(), maybe(st.just("Pièce commandée"), hostile_any))),
        "solution": data.draw(st.one_of(st.none(), maybe(st.just("Joint changé"), hostile_any))),
        "expected_updated_at": _intervention_stamp(data, ctx, iid),
    }


def _assignment(data: Any, ctx: Ctx) -> dict[str, Any]:
    iid = _iid(data, ctx)
    return {
        "intervention_id": iid,
        "principal_id": _tech_id(data, ctx),
        "assistant_ids": data.draw(
            st.one_of(
                st.lists(st.one_of(st.just(ctx.ids["tech2"]), hostile_any), max_size=12),
                hostile_any,
            )
        ),
        "expected_updated_at": _intervention_stamp(data, ctx, iid),
    }


def _transition_target(data: Any, ctx: Ctx) -> dict[str, Any]:
    row = st.fixed_dictionaries(
        {"id": maybe(st.just(ctx.ids["interv1"]), hostile_any),
         "statut": maybe(st.sampled_from(_STATUTS_I), hostile_any),
         "client_id": maybe(st.just(ctx.ids["client1"]), hostile_any)}
    )  # fmt: skip
    return {"intervention": data.draw(st.one_of(st.just(_iid(data, ctx)), row, hostile_any))}


CORE_CASES: dict[str, Case] = {
    f"{IS}.list.filters_from_params": Case(_url_params, roles=("admin",)),
    f"{IS}.list.filters_to_params": Case(
        lambda d, c: {"filters": _ifilters(d, c)}, roles=("admin",)
    ),
    f"{IS}.list.clean_filters": Case(lambda d, c: {"filters": _ifilters(d, c)}, roles=("admin",)),
    f"{IS}.list.board_column": Case(
        lambda d, c: {
            "statut": d.draw(maybe(st.sampled_from(_STATUTS_I), _ENUM_OR_TEXT)),
            "filters": _ifilters(d, c),
            "limit": _limit(d),
        }
    ),
    f"{IS}.list.list_interventions": Case(lambda d, c: {"filters": _ifilters(d, c), **_paging(d)}),
    f"{IS}.list.count_interventions": Case(lambda d, c: {"filters": _ifilters(d, c)}),
    f"{IS}.list.export_chunk_interventions": Case(
        lambda d, c: {
            "filters": _ifilters(d, c),
            "after": None if d.draw(st.booleans()) else _iid(d, c),
            "chunk_size": d.draw(maybe(st.integers(1, 2000), hostile_number)),
        }
    ),
    f"{IS}.list.my_work": Case(lambda d, c: {"today": _day(d)}),
    f"{IS}.write.create_intervention": Case(
        lambda d, c: {"data": _intervention_form(d, c)}, writes=("interventions", "notifications")
    ),
    f"{IS}.write.update_intervention": Case(
        lambda d, c: {
            "intervention_id": (iid := _iid(d, c)),
            "data": _intervention_form(d, c),
            "expected_updated_at": _intervention_stamp(d, c, iid),
        },
        writes=("interventions",),
    ),
    f"{IS}.write.allowed_transitions": Case(_transition_target),
    f"{IS}.write.change_statut": Case(_statut_change, writes=("interventions", "notifications")),
    f"{IS}.dispatch.rank_technicians": Case(  # the assignment dialog, a manager's
        lambda d, c: {"intervention_id": _iid(d, c), "limit": _limit(d)}, roles=STAFF
    ),
    f"{IS}.dispatch.assign": Case(_assignment, writes=("interventions", "notifications")),
}
CASES.update(CORE_CASES)

# ---- the intervention file's read (ui/interventions/file): an id straight from the URL
SERVICE_MODULES += (f"{IS}.detail",)
CASES[f"{IS}.detail.get_intervention"] = Case(lambda d, c: {"intervention_id": _iid(d, c)})

# ---- the interventions page's pickers (ui/interventions: list filters, creation form)
SERVICE_MODULES += (f"{IS}.choices",)
_PICKER_SEARCH = st.sampled_from(["", "pompe", "atlas", "tech"])
CASES.update(
    {
        f"{IS}.choices.machine_choices": Case(
            lambda d, c: {
                "q": d.draw(maybe(_PICKER_SEARCH, hostile_any)),
                "include": d.draw(st.one_of(st.none(), st.just(_equip_id(d, c)))),
                "limit": _limit(d),
                "purpose": d.draw(maybe(st.sampled_from(["create", "filter"]), hostile_any)),
            }
        ),
        f"{IS}.choices.technician_choices": Case(
            lambda d, c: {
                "q": d.draw(maybe(_PICKER_SEARCH, hostile_any)),
                "include": d.draw(st.one_of(st.none(), st.just(_tech_id(d, c)))),
                "limit": _limit(d),
            }
        ),
        f"{IS}.choices.competence_choices": Case(_none),
    }
)


# ---- the planning (db/planning/service) and preventive generation (db/equipment/preventive)
PL = "db.planning.service"
SERVICE_MODULES += (PL, "db.equipment.preventive")
_SLOT_START = st.datetimes(datetime(2031, 1, 1), datetime(2031, 12, 1), timezones=st.just(UTC))


def _period(data: Any) -> dict[str, Any]:
    """A start and an end: often a sensible slot (1 hour to 15 days), else hostile."""
    start = data.draw(maybe(_SLOT_START, hostile_date))
    if isinstance(start, datetime) and 2 < start.year < 9000 and data.draw(st.booleans()):
        end: Any = start + timedelta(hours=data.draw(st.integers(-2, 24 * 15)))
    else:
        end = data.draw(maybe(_SLOT_START, hostile_date))
    return {"date_debut": start, "date_fin": end}


def _range(data: Any) -> dict[str, Any]:
    p = _period(data)
    return {"start": p["date_debut"], "end": p["date_fin"]}


def _slot_id(data: Any, ctx: Ctx) -> Any:
    return data.draw(maybe(st.integers(1, 400), hostile_any))


def _id_list(data: Any, ctx: Ctx) -> Any:
    good = st.lists(st.sampled_from([ctx.ids["tech1"], ctx.ids["tech2"]]), max_size=3)
    return data.draw(
        st.one_of(
            st.none(), maybe(good, st.one_of(hostile_any, st.lists(hostile_number, max_size=3)))
        )
    )


def _team(data: Any) -> Any:
    return data.draw(
        st.one_of(st.none(), maybe(st.sampled_from(["Équipe Nord", "Casablanca"]), hostile_text))
    )


def _slot_text(data: Any) -> Any:
    return data.draw(st.one_of(st.none(), maybe(st.just("Matin"), hostile_any)))


CASES.update(
    {
        f"{PL}.list_slots": Case(
            lambda d, c: {
                **_range(d),
                "technicien_ids": _id_list(d, c),
                "equipe": _team(d),
                "zone": _team(d),
                "client_id": d.draw(st.one_of(st.none(), st.just(_client_id(d, c)))),
            }
        ),
        f"{PL}.unplanned_interventions": Case(lambda d, c: {"limit": _limit(d)}, roles=STAFF),
        f"{PL}.create_slot": Case(
            lambda d, c: {
                "intervention_id": _iid(d, c),
                **_period(d),
                "creneau": _slot_text(d),
                "notes_planning": _slot_text(d),
            },
            writes=("planning", "interventions"),
        ),
        f"{PL}.move_slot": Case(
            lambda d, c: {
                "planning_id": _slot_id(d, c),
                **_period(d),
                "expected_modification": d.draw(st.one_of(st.none(), hostile_any)),
            },
            writes=("planning", "interventions"),
        ),
        f"{PL}.confirm_slot": Case(
            lambda d, c: {
                "planning_id": _slot_id(d, c),
                "confirme": d.draw(maybe(st.booleans(), hostile_any)),
            },
            writes=("planning",),
        ),
        f"{PL}.annotate_slot": Case(
            lambda d, c: {
                "planning_id": _slot_id(d, c),
                "creneau": _slot_text(d),
                "notes_planning": _slot_text(d),
                "expected_modification": d.draw(st.one_of(st.none(), hostile_any)),
            },
            writes=("planning",),
        ),
        f"{PL}.delete_slot": Case(
            lambda d, c: {"planning_id": _slot_id(d, c)}, writes=("planning",)
        ),
        f"{PL}.list_technicians": Case(
            lambda d, c: {"equipe": _team(d), "zone": _team(d), "limit": _limit(d)}
        ),
        f"{PL}.technician_agenda": Case(lambda d, c: _range(d)),
        f"{PL}.list_absences": Case(lambda d, c: {**_range(d), "technicien_ids": _id_list(d, c)}),
        f"{PL}.create_absence": Case(
            lambda d, c: {
                "technicien_id": _tech_id(d, c),
                **_period(d),
                "motif": d.draw(
                    maybe(st.sampled_from(["conge", "formation", "indisponible"]), _ENUM_OR_TEXT)
                ),
                "notes": _slot_text(d),
                "confirm": d.draw(maybe(st.booleans(), hostile_any)),
            },
            writes=("absences", "planning"),
        ),
        f"{PL}.delete_absence": Case(
            lambda d, c: {"absence_id": _slot_id(d, c)}, writes=("absences",)
        ),
        # run by the worker and the command line as the owner; the managers' role may too
        "db.equipment.preventive.generate_preventive": Case(
            lambda d, c: {"horizon_days": d.draw(maybe(st.integers(0, 60), hostile_any))},
            roles=STAFF,
            writes=("interventions",),
        ),
    }
)


# ---- background jobs (db/worker/service): defer, a job's status, the admin's worker status
WS = "db.worker.service"
SERVICE_MODULES += (WS,)
NOT_ENTRY_POINTS[f"{WS}.periodic_schedule"] = "reads the worker's registry, no input"
CASES.update(
    {
        f"{WS}.defer_job": Case(
            lambda d, c: {
                "task_name": d.draw(maybe(st.just("reporting:refresh_views"), hostile_any)),
                "args": d.draw(
                    st.one_of(
                        st.none(),
                        st.dictionaries(st.text(max_size=8), hostile_any, max_size=3),
                        hostile_any,
                    )
                ),
                "queueing_lock": d.draw(st.one_of(st.none(), maybe(st.just("q1"), hostile_any))),
            },
            writes=("procrastinate_jobs",),
        ),
        f"{WS}.job_status": Case(
            lambda d, c: {"job_id": d.draw(maybe(st.integers(1, 1000), hostile_any))}
        ),
        f"{WS}.worker_status": Case(_none, roles=("admin",)),
    }
)

# ------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------


def public_functions(module: ModuleType) -> set[str]:
    """``module.function`` names of the functions ``module`` defines and does not hide; for a
    package (a service split by verb family), those of its modules that it re-exports."""
    found = set()
    inside = f"{module.__name__}."
    for name, obj in vars(module).items():
        fn = inspect.unwrap(obj) if callable(obj) else None  # @cache'd functions too
        own = inspect.isfunction(fn) and (
            fn.__module__ == module.__name__
            or (hasattr(module, "__path__") and fn.__module__.startswith(inside))
        )
        if own and name[0] != "_":
            found.add(f"{module.__name__}.{name}")
    return found


def resolve(qualified: str) -> Callable[..., Any]:
    module_name, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


def displayable_french(message: Any) -> str | None:
    """Why ``message`` could not be shown to a French user as is, or None when it can."""
    if not isinstance(message, str) or not message.strip():
        return f"empty or not text: {message!r}"
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        return f"not encodable (lone surrogate): {message!r}"
    if "\x00" in message:
        return f"NUL byte in message: {message!r}"
    lowered = message.lower()
    if any(word in lowered for word in ENGLISH_MARKERS):
        return f"English database text: {message!r}"
    return None


def refusal_problems(exc: ServiceError) -> list[str]:
    """What is wrong with a refusal's messages (empty when all are fine)."""
    messages = [exc.message, *getattr(exc, "errors", {}).values(), *exc.details]
    return [p for p in map(displayable_french, messages) if p]


def fingerprint(conn: Connection, tables: tuple[str, ...]) -> tuple[Any, ...] | None:
    """A digest of every row of ``tables`` as the owner sees them (None: transaction aborted,
    so nothing of it can ever be committed)."""
    try:
        nested = conn.begin_nested()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "25P02":
            return None
        raise
    try:
        conn.execute(text("RESET ROLE"))
        digest = tuple(
            conn.execute(
                text(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), ''))"
                     f" FROM {table} t")
            ).one()
            for table in tables
        )  # fmt: skip
    except DBAPIError as exc:
        nested.rollback()
        if getattr(exc.orig, "sqlstate", None) == "25P02":
            return None
        raise
    nested.rollback()  # also restores the role of the example
    return digest


def consume(value: Any) -> Any:
    """Run a generator to its end (exports stream their rows)."""
    return list(value) if inspect.isgenerator(value) else value


# ------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------


def test_every_public_service_function_has_a_hostile_case() -> None:
    found: set[str] = set()
    for name in SERVICE_MODULES:
        found |= public_functions(importlib.import_module(name))
    missing = sorted(found - set(CASES) - set(NOT_ENTRY_POINTS))
    assert not missing, f"public service functions without a hostile-input case: {missing}"
    stale = sorted(set(CASES) - found)
    assert not stale, f"cases for functions that no longer exist: {stale}"


@pytest.mark.parametrize("qualified", sorted(CASES))
@HOSTILE_SETTINGS
@given(data=st.data())
def test_hostile_inputs_are_refused_in_french_or_accepted(
    ctx: Ctx, qualified: str, data: st.DataObject
) -> None:
    case = CASES[qualified]
    fn = resolve(qualified)
    module = qualified.rsplit(".", 1)[0].removeprefix("db.")
    tally = TALLY.setdefault(module, Tally())
    params = inspect.signature(fn).parameters
    example = ctx.conn.begin_nested()  # drawing may read the database too
    try:
        role = data.draw(st.sampled_from(case.roles), label="role")
        kwargs = case.draw(data, ctx)
        with Session(bind=ctx.conn, join_transaction_mode="create_savepoint") as session:
            actor = ctx.actors[role]
            act_as(session, actor)
            if "session" in params:
                kwargs["session"] = session
            if "actor" in params:
                kwargs["actor"] = actor
            before = fingerprint(ctx.conn, case.writes) if case.writes else None
            act_as(session, actor)  # fingerprint() restored the owner role
            tally.tried += 1
            try:
                if qualified == f"{Q}.paginate":
                    result = fn(session, kwargs.pop("stmt"), **{
                        k: v for k, v in kwargs.items() if k != "session"
                    })  # fmt: skip
                else:
                    result = consume(fn(**kwargs))
            except ServiceError as exc:
                problems = refusal_problems(exc)
                assert not problems, problems
                if case.writes:
                    after = fingerprint(ctx.conn, case.writes)
                    assert after is None or after == before, "partial write after a refusal"
                tally.refused += 1
                return
            except Exception as exc:
                tally.raw += 1
                shown = {k: v for k, v in kwargs.items() if k not in ("session", "actor")}
                RAW_SAMPLES.append(
                    f"{qualified}: {type(exc).__name__}: {exc!s:.200} ({shown!r:.300})"
                )
                raise
            if isinstance(result, equipment.ImportReport) and not result.ok:
                problems = [p for e in result.errors if (p := displayable_french(e.message))]
                assert not problems, problems
                assert result.created == 0
                after = fingerprint(ctx.conn, case.writes)
                assert after is None or after == before, "partial write of a refused import"
                tally.refused += 1
                return
            tally.succeeded += 1
    finally:
        example.rollback()


def test_the_2100_machine_with_a_600_month_warranty_is_refused(ctx: Ctx) -> None:
    """The example of the issue: installed 31/12/2100, warranty 600 months (end in 2150)."""
    with pytest.raises(ServiceError) as err:
        equipment.validate_equipement(
            {
                "client_id": ctx.ids["client1"],
                "nom": "Machine du futur",
                "numero_serie": "SN-2100",
                "date_installation": "31/12/2100",
                "duree_garantie_mois": 600,
            }
        )
    errors = err.value.errors
    assert "date_installation" in errors and "duree_garantie_mois" in errors
    assert not refusal_problems(err.value)
    today = date.today()
    assert (
        equipment.validate_equipement(
            {
                "client_id": ctx.ids["client1"],
                "nom": "Machine livrée",
                "numero_serie": "SN-OK",
                "date_installation": today - timedelta(days=1),
                "duree_garantie_mois": 24,
            }
        )["date_fin_garantie"]
        > today
    )
