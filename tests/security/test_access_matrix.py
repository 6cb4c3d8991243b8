"""The live database's rights are exactly those of the access matrix (``db/access``).

Reads the catalogue (``has_table_privilege``, ``has_column_privilege``, ``pg_policies``,
``has_function_privilege``) and fails when a grant, a policy or an execute right drifts from
``matrix.csv`` / ``columns.csv`` / ``functions.csv``: a table created without its rows in the
matrix, a GRANT added by hand, a policy left behind, a function executable by everyone.
"""

from __future__ import annotations

import csv
import re

import pytest
from sqlalchemy import Connection, text

from db import access

OPS = access.OPERATIONS


def relations(conn: Connection) -> dict[str, str]:
    rows = conn.execute(
        text(
            "SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind IN ('r', 'p', 'v', 'm')"
        )
    )
    return {name: kind for name, kind in rows}


def table_columns(conn: Connection, table: str) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass)"
                " AND attnum > 0 AND NOT attisdropped"
            ),
            {"t": table},
        ).scalars()
    )


def test_every_table_and_view_has_its_rows_in_the_matrix(conn: Connection) -> None:
    assert set(relations(conn)) == set(access.tables())
    for table in access.tables():
        roles = {r.role for r in access.rules() if r.table == table}
        assert roles <= set(access.ROLES)
    # Every table names all four roles, even those with no right at all (reviewable).
    with (access.HERE / "matrix.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for table in access.tables():
        assert sorted(r["role"] for r in rows if r["table"] == table) == sorted(access.ROLES)


def test_table_and_column_privileges_are_those_of_the_matrix(conn: Connection) -> None:
    allowed = {(r.table, r.role, r.operation) for r in access.rules()}
    only = access.columns()
    drift: list[str] = []
    for table in access.tables():
        cols = table_columns(conn, table)
        for role in access.ROLES:
            db_role = access.db_role(role)
            for op in OPS:
                whole = conn.execute(
                    text("SELECT has_table_privilege(:r, :t, :p)"),
                    {"r": db_role, "t": table, "p": op},
                ).scalar_one()
                if op == "delete":
                    col_rights = {c: whole for c in cols}
                else:
                    col_rights = {
                        c: conn.execute(
                            text("SELECT has_column_privilege(:r, :t, :c, :p)"),
                            {"r": db_role, "t": table, "c": c, "p": op},
                        ).scalar_one()
                        for c in cols
                    }
                expected_cols = only.get((table, role, op))
                if (table, role, op) not in allowed:
                    if whole or any(col_rights.values()):
                        drift.append(f"{db_role} may {op} {table}: not in the matrix")
                elif expected_cols:
                    if whole:
                        drift.append(f"{db_role} may {op} all of {table}: columns.csv narrows it")
                    granted = {c for c, ok in col_rights.items() if ok}
                    if granted != set(expected_cols):
                        drift.append(f"{db_role} {op} {table}: {sorted(granted)}")
                elif not whole:
                    drift.append(f"{db_role} may not {op} {table}")
    assert drift == []


def test_the_login_role_has_no_right_on_any_table(conn: Connection) -> None:
    for table in access.tables():
        for op in ("select", "insert", "update"):
            assert not conn.execute(
                text("SELECT has_any_column_privilege('mif_app', :t, :p)"), {"t": table, "p": op}
            ).scalar_one(), (table, op)
        assert not conn.execute(
            text("SELECT has_table_privilege('mif_app', :t, 'delete')"), {"t": table}
        ).scalar_one()


def test_the_login_role_inherits_no_role_but_may_switch_to_each(conn: Connection) -> None:
    inherit = conn.execute(
        text("SELECT rolinherit FROM pg_roles WHERE rolname = 'mif_app'")
    ).scalar_one()
    assert inherit is False
    for role in access.DB_ROLES:
        assert conn.execute(
            text("SELECT pg_has_role('mif_app', :r, 'MEMBER')"), {"r": role}
        ).scalar_one()
        assert not conn.execute(
            text("SELECT pg_has_role('mif_app', :r, 'USAGE')"), {"r": role}
        ).scalar_one()


def test_row_level_security_is_on_for_every_table_but_the_schema_revision(
    conn: Connection,
) -> None:
    rels = relations(conn)
    rows = conn.execute(
        text(
            "SELECT relname, relrowsecurity FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
        )
    )
    for name, on in rows:
        assert on is (name not in access.NO_POLICY_TABLES), name
    assert all(kind in ("r", "p", "v", "m") for kind in rels.values())


def test_policies_are_exactly_the_matrix_cells_with_their_scope(conn: Connection) -> None:
    rows = conn.execute(
        text(
            "SELECT p.tablename, p.policyname, p.roles::text[], p.cmd, p.permissive,"
            " obj_description(pol.oid, 'pg_policy')"
            " FROM pg_policies p JOIN pg_policy pol ON pol.polname = p.policyname"
            " AND pol.polrelid = format('public.%I', p.tablename)::regclass"
            " WHERE p.schemaname = 'public'"
        )
    )
    live = {}
    for table, name, roles, cmd, permissive, comment in rows:
        assert permissive == "PERMISSIVE", name
        assert len(roles) == 1, (name, roles)
        live[(table, roles[0], cmd.lower())] = (name, comment)
    expected = {
        (r.table, access.db_role(r.role), r.operation): (
            access.policy_name(r.table, r.role, r.operation),
            f"scope: {r.scope}",
        )
        for r in access.rules()
        if relations(conn).get(r.table) in ("r", "p") and r.table not in access.NO_POLICY_TABLES
    }
    assert live == expected


def test_each_policy_tests_the_role_of_the_acting_user(conn: Connection) -> None:
    # A forged SET ROLE alone opens nothing: every policy checks app_current_role().
    rows = conn.execute(
        text(
            "SELECT policyname, coalesce(qual, '') || coalesce(with_check, '')"
            " FROM pg_policies WHERE schemaname = 'public'"
        )
    )
    for name, condition in rows:
        assert "app_current_role()" in condition, name


def test_policies_call_functions_once_per_statement_and_never_or_two_scopes(
    conn: Connection,
) -> None:
    # A function called per row (145,831 calls for a page of 0 rows) or an OR between two
    # scopes (a sequential scan of every intervention) is what made pages slow at scale.
    rows = conn.execute(
        text(
            "SELECT tablename, policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '')"
            " FROM pg_policies WHERE schemaname = 'public'"
        )
    )
    for table, name, condition in rows:
        calls = re.findall(r"(.{7})\bapp_\w+\(", condition)
        assert calls and all(before.endswith("SELECT ") for before in calls), (name, condition)
        # users: "staff or self" on a table of people, not of interventions.
        assert " OR " not in condition or table == "users", (name, condition)


def schema_functions(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p"
                " WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS ("
                "  SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
                "   AND d.objid = p.oid AND d.deptype = 'e')"
            )
        ).scalars()
    )


def test_functions_are_executable_only_by_the_roles_of_the_matrix(conn: Connection) -> None:
    expected = access.functions()
    functions = schema_functions(conn)
    assert set(expected) <= set(functions)
    drift = []
    for fn in functions:
        public = conn.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a"
                " WHERE p.oid = CAST(:f AS regprocedure) AND a.grantee = 0)"
                " OR (SELECT proacl IS NULL FROM pg_proc WHERE oid = CAST(:f AS regprocedure))"
            ),
            {"f": fn},
        ).scalar_one()
        if public:
            drift.append(f"{fn}: executable by everyone")
        for role in (access.LOGIN_ROLE, *access.DB_ROLES):
            may = conn.execute(
                text("SELECT has_function_privilege(:r, :f, 'EXECUTE')"), {"r": role, "f": fn}
            ).scalar_one()
            if may != (role in expected.get(fn, ())):
                drift.append(f"{fn}: {role} {'may' if may else 'may not'} execute it")
    assert drift == []


@pytest.mark.parametrize("fn", ["archive_old_interventions()", "refresh_materialized_views()"])
def test_maintenance_functions_are_the_owners_alone(conn: Connection, fn: str) -> None:
    for role in (access.LOGIN_ROLE, *access.DB_ROLES):
        assert not conn.execute(
            text("SELECT has_function_privilege(:r, :f, 'EXECUTE')"), {"r": role, "f": fn}
        ).scalar_one()


def test_functions_created_later_are_not_executable_by_everyone(conn: Connection) -> None:
    conn.execute(text("CREATE FUNCTION tmp_access_probe() RETURNS int LANGUAGE sql AS 'SELECT 1'"))
    assert not conn.execute(
        text("SELECT has_function_privilege('mif_client', 'tmp_access_probe()', 'EXECUTE')")
    ).scalar_one()


def test_every_scope_of_the_matrix_has_its_condition() -> None:
    for rule in access.rules():
        if rule.scope == "view":  # the view filters itself; no policy
            continue
        assert access.policy_condition(rule).startswith("(SELECT app_current_role()) = ")
