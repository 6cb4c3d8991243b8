-- drop: DROP FUNCTION IF EXISTS admin_table_counts() CASCADE;
-- Exact row counts of every table for the admin's database status page. Counting through the
-- app role would go through row-level security (notifications are personal even for an admin),
-- so this SECURITY DEFINER function counts as the owner, and only for an active admin.
CREATE OR REPLACE FUNCTION admin_table_counts()
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t text;
BEGIN
    IF app_current_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            CONSTRAINT = 'admin_seulement',
            MESSAGE = 'Réservé aux administrateurs.';
    END IF;
    FOR t IN SELECT tablename FROM pg_tables
              WHERE schemaname = 'public' AND tablename <> 'alembic_version'
              ORDER BY tablename LOOP
        table_name := t;
        EXECUTE format('SELECT count(*) FROM %I', t) INTO row_count;
        RETURN NEXT;
    END LOOP;
END;
$$;

REVOKE ALL ON FUNCTION admin_table_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION admin_table_counts() TO mif_app;
