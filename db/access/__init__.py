"""Access as data: the matrix of who may do what, and the grants and policies made from it.

``matrix.csv`` has one row per table (or view) and application role, with the row scope of
each operation (blank: not allowed). ``columns.csv`` narrows an operation to some columns,
``functions.csv`` says which database role may execute which function. Like Odoo's
``ir.model.access.csv``, these three files are what a reviewer reads; :func:`apply` turns them
into ``GRANT`` statements and row-level security policies, and ``tests/security`` compares the
live database (``pg_policies``, ``has_table_privilege``, ``has_column_privilege``,
``has_function_privilege``) with them.

Each application role has a database role (``mif_admin`` …); the login role ``mif_app``
inherits none of them and switches to the acting user's role at the start of every transaction
(``db.session.apply_actor``). A policy is therefore specific to one role and one operation:
``<role gate> AND <scope>``, where the gate compares the acting user's role (computed once per
statement) and the scope compares an indexed column with a per-statement value.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Connection

from db import config

HERE = Path(__file__).resolve().parent
ROLES = ("admin", "responsable", "technicien", "client")
OPERATIONS = ("select", "insert", "update", "delete")
LOGIN_ROLE = config.APP_ROLE  # the app logs in as this role (db.config)
NO_POLICY_TABLES = frozenset({"alembic_version"})  # read by admins as a whole, no row scope


def db_role(role: str) -> str:
    """Database role of an application role (``mif_app`` stays itself)."""
    return role if role == LOGIN_ROLE else f"mif_{role}"


DB_ROLES = tuple(db_role(r) for r in ROLES)


@dataclass(frozen=True)
class Rule:
    """One allowed operation: ``role`` may ``operation`` the rows of ``table`` in ``scope``."""

    table: str
    role: str
    operation: str
    scope: str


def _rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def rules() -> tuple[Rule, ...]:
    """Every allowed (table, role, operation, scope) of ``matrix.csv``."""
    out: list[Rule] = []
    for row in _rows("matrix.csv"):
        if row["role"] not in ROLES:
            raise ValueError(f"matrix.csv: unknown role {row['role']!r}")
        for op in OPERATIONS:
            scope = (row[op] or "").strip()
            if scope:
                out.append(Rule(row["table"], row["role"], op, scope))
    return tuple(out)


@cache
def tables() -> tuple[str, ...]:
    """Every table and view named by the matrix, in file order."""
    return tuple(dict.fromkeys(row["table"] for row in _rows("matrix.csv")))


@cache
def columns() -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(table, role, operation) → the only columns that operation may touch."""
    return {
        (row["table"], row["role"], row["privilege"]): tuple(row["columns"].split())
        for row in _rows("columns.csv")
    }


@cache
def functions() -> dict[str, tuple[str, ...]]:
    """Function signature → database roles that may execute it."""
    return {
        row["function"]: tuple(db_role(r) for r in row["roles"].split())
        for row in _rows("functions.csv")
    }


# --------------------------------------------------------------------------- scopes

# The acting user's role, computed once per statement (an InitPlan): a pseudo-constant the
# planner turns into a one-time filter, so it costs nothing per row.
_GATE = "(SELECT app_current_role()) = '{role}'"
_ME = "(SELECT app_active_user_id())"
_CLIENT = "(SELECT app_current_client_id())"
_TECH = "(SELECT app_current_technicien_id())"


def _in_ids(column: str, function: str) -> str:
    """``column = ANY (<array computed once per statement>)``: an index scan, no per-row call.

    The cast makes PostgreSQL read the scalar sub-select as an array, not as ``ANY (subquery)``.
    """
    return f"{column} = ANY ((SELECT {function}())::integer[])"


_CLIENT_MACHINES = _in_ids("equipement_id", "app_client_equipement_ids")
_CLIENT_INTERVENTIONS = _in_ids("intervention_id", "app_client_intervention_ids")
_ASSIGNED = _in_ids("intervention_id", "app_assigned_intervention_ids")
_VISIBLE_CONVERSATIONS = _in_ids("conversation_id", "app_visible_conversation_ids")

# (table, scope) → condition on the row. "all" needs none; every other scope is listed, so a
# matrix cell without its condition fails at migration time (and in the tests).
SCOPES: dict[tuple[str, str], str] = {
    ("users", "staff_and_self"): f"role <> 'client' OR id = {_ME}",
    ("clients", "own_company"): f"id = {_CLIENT}",
    ("equipements", "own_company"): f"client_id = {_CLIENT}",
    ("contrats", "own_company"): f"client_id = {_CLIENT}",
    ("contrat_equipements", "own_company"): _CLIENT_MACHINES,
    ("factures", "own_company"): f"client_id = {_CLIENT}",
    ("interventions", "own_company"): f"client_id = {_CLIENT}",
    ("interventions", "assigned"): _in_ids("id", "app_assigned_intervention_ids"),
    ("intervention_techniciens", "own_company"): _CLIENT_INTERVENTIONS,
    ("intervention_competences", "own_company"): _CLIENT_INTERVENTIONS,
    ("taches", "own_company"): _CLIENT_MACHINES,
    ("taches", "assigned"): _ASSIGNED,
    ("historiques_interventions", "own_company"): _CLIENT_INTERVENTIONS,
    # trg_documents_equipement gives every document its machine.
    ("documents", "own_company"): _CLIENT_MACHINES,
    ("documents", "assigned"): _ASSIGNED,
    ("planning", "own_company"): _CLIENT_INTERVENTIONS,
    ("planning", "assigned"): _ASSIGNED,
    ("absences", "self"): f"technicien_id = {_TECH}",
    ("intervention_pieces", "own_company"): _CLIENT_INTERVENTIONS,
    ("intervention_pieces", "assigned"): _ASSIGNED,
    ("notifications", "self"): f"user_id = {_ME}",
    ("conversations", "visible"): _in_ids("id", "app_visible_conversation_ids"),
    ("conversations", "assigned"): _ASSIGNED,
    ("conversations", "own_company"): _CLIENT_INTERVENTIONS,
    ("conversation_participants", "visible"): _VISIBLE_CONVERSATIONS,
    ("messages", "visible"): _VISIBLE_CONVERSATIONS,
    ("messages", "self"): f"user_id = {_ME}",
    ("messages", "self_visible"): f"user_id = {_ME} AND {_VISIBLE_CONVERSATIONS}",
    ("reports", "self"): f"generated_by = {_ME}",
}

# A new row has no id yet, so "assigned" cannot be checked against the technician's list of
# interventions: a technician creates interventions assigned to themselves.
INSERT_SCOPES: dict[tuple[str, str], str] = {
    ("interventions", "assigned"): f"technicien_id = {_TECH}",
}


def policy_name(table: str, role: str, operation: str) -> str:
    """Name of the policy of one matrix cell (under PostgreSQL's 63-byte limit)."""
    return f"{table}_{role}_{operation}"


def policy_condition(rule: Rule) -> str:
    """``<role gate> AND (<scope>)`` of one rule."""
    gate = _GATE.format(role=rule.role)
    if rule.scope == "all":
        return gate
    key = (rule.table, rule.scope)
    condition = (INSERT_SCOPES.get(key) if rule.operation == "insert" else None) or SCOPES.get(key)
    if condition is None:
        raise ValueError(f"no condition for scope {rule.scope!r} of {rule.table}")
    return f"{gate} AND ({condition})"


def policy_sql(rule: Rule) -> str:
    """``CREATE POLICY`` of one rule, its scope kept as the policy's comment."""
    name = policy_name(rule.table, rule.role, rule.operation)
    cond = policy_condition(rule)
    if rule.operation == "select":
        clause = f"USING ({cond})"
    elif rule.operation == "insert":
        clause = f"WITH CHECK ({cond})"
    elif rule.operation == "update":
        clause = f"USING ({cond}) WITH CHECK ({cond})"
    else:
        clause = f"USING ({cond})"
    return (
        f"CREATE POLICY {name} ON {rule.table} FOR {rule.operation.upper()} "
        f"TO {db_role(rule.role)} {clause};\n"
        f"COMMENT ON POLICY {name} ON {rule.table} IS 'scope: {rule.scope}';"
    )


# --------------------------------------------------------------------------- statements


def _existing(conn: Connection) -> dict[str, str]:
    """Tables, views and materialized views of the public schema → relkind."""
    rows = conn.exec_driver_sql(
        "SELECT relname, relkind FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm')"
    )
    return {name: kind for name, kind in rows}


def _sequences(conn: Connection, table: str) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT pg_get_serial_sequence(format('public.%%I', c.relname), a.attname) "
        "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE c.relname = %(t)s AND c.relnamespace = 'public'::regnamespace "
        "AND a.attnum > 0 AND NOT a.attisdropped",
        {"t": table},
    )
    return [r[0] for r in rows if r[0]]


def _functions_in_schema(conn: Connection) -> list[str]:
    """Signatures of the schema's own functions (not those of extensions)."""
    rows = conn.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS ("
        "  SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
        "   AND d.objid = p.oid AND d.deptype = 'e')"
    )
    return [r[0] for r in rows]


def _revoke_all(conn: Connection) -> list[str]:
    everyone = ", ".join((LOGIN_ROLE, *DB_ROLES))
    stmts = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}",
    ]
    for fn in _functions_in_schema(conn):
        stmts.append(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC, {everyone}")
    return stmts


def _drop_policies(conn: Connection) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'public'"
        " AND roles && %(roles)s::name[]",
        {"roles": list(DB_ROLES)},
    )
    return [f"DROP POLICY {name} ON {table}" for name, table in rows]


def grant_statements(existing: dict[str, str]) -> list[str]:
    """``GRANT`` statements of the matrix, for the tables that exist."""
    stmts = [f"GRANT USAGE ON SCHEMA public TO {', '.join((LOGIN_ROLE, *DB_ROLES))}"]
    cols = columns()
    for rule in rules():
        if rule.table not in existing:
            continue
        role = db_role(rule.role)
        only = cols.get((rule.table, rule.role, rule.operation))
        privilege = rule.operation.upper()
        if only:
            stmts.append(f"GRANT {privilege} ({', '.join(only)}) ON {rule.table} TO {role}")
        else:
            stmts.append(f"GRANT {privilege} ON {rule.table} TO {role}")
    return stmts


def apply(conn: Connection) -> None:
    """Make the database's grants, policies and function rights those of the matrix.

    Idempotent: every right of the app roles is revoked and every policy of theirs dropped,
    then the matrix is applied to the tables and functions that exist (a later revision that
    adds one calls this again). Row-level security is enabled on every matrix table but
    ``alembic_version`` and the views.
    """
    existing = _existing(conn)
    stmts = _revoke_all(conn)
    stmts += _drop_policies(conn)
    stmts += grant_statements(existing)
    for rule in rules():
        if rule.table in existing and rule.operation == "insert":
            for seq in _sequences(conn, rule.table):
                stmts.append(f"GRANT USAGE ON SEQUENCE {seq} TO {db_role(rule.role)}")
    for table in tables():
        if existing.get(table) in ("r", "p") and table not in NO_POLICY_TABLES:
            stmts.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for rule in rules():
        if existing.get(rule.table) in ("r", "p") and rule.table not in NO_POLICY_TABLES:
            stmts.append(policy_sql(rule))
    defined = set(_functions_in_schema(conn))
    for fn, roles in functions().items():
        if fn in defined:  # functions of later revisions: granted by the revision that adds them
            stmts.append(f"GRANT EXECUTE ON FUNCTION {fn} TO {', '.join(roles)}")
    # Functions created later by the owner are not executable by everyone either.
    stmts.append("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
    _run(conn, stmts)


def remove(conn: Connection) -> None:
    """Undo :func:`apply`: no right, no policy of the per-role database roles remain."""
    existing = _existing(conn)
    stmts = _revoke_all(conn)
    stmts += _drop_policies(conn)
    for table in tables():
        if existing.get(table) in ("r", "p"):
            stmts.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    stmts.append(f"REVOKE ALL ON SCHEMA public FROM {', '.join(DB_ROLES)}")
    stmts.append("ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
    for fn in _functions_in_schema(conn):
        stmts.append(f"GRANT EXECUTE ON FUNCTION {fn} TO PUBLIC")
    _run(conn, stmts)


def _run(conn: Connection, stmts: list[str]) -> None:
    # Straight to psycopg: policy conditions contain ':' and '%' that SQLAlchemy would misread.
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection always has its driver connection
    for stmt in stmts:
        driver.execute(stmt)
