-- drop: DROP FUNCTION IF EXISTS admin_table_counts(bigint) CASCADE;
-- Row counts of every table for the admin's database status page, as the owner (through the
-- app role, row-level security would hide rows, e.g. other users' notifications), and only
-- for an active admin. Exact below p_exact_below rows; above, PostgreSQL's own estimate
-- (pg_class.reltuples, kept by ANALYZE / autovacuum) flagged as such: an exact count(*) of a
-- million-row table costs the page seconds (measured: 72 ms at the demo scale, 1.4 s at one
-- million interventions). A table never analysed (reltuples < 0) is counted exactly.
CREATE OR REPLACE FUNCTION admin_table_counts(p_exact_below bigint DEFAULT 100000)
RETURNS TABLE (table_name text, row_count bigint, estimated boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t text;
    v_estimate real;
BEGIN
    IF app_current_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            CONSTRAINT = 'admin_seulement',
            MESSAGE = 'Réservé aux administrateurs.';
    END IF;
    FOR t, v_estimate IN
        SELECT c.relname, c.reltuples FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
           AND c.relname <> 'alembic_version'
         ORDER BY c.relname LOOP
        table_name := t;
        IF v_estimate >= 0 AND v_estimate >= p_exact_below THEN
            row_count := v_estimate::bigint;
            estimated := true;
        ELSE
            EXECUTE format('SELECT count(*) FROM %I', t) INTO row_count;
            estimated := false;
        END IF;
        RETURN NEXT;
    END LOOP;
END;
$$;
REVOKE ALL ON FUNCTION admin_table_counts(bigint) FROM PUBLIC;
