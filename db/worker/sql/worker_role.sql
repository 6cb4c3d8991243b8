-- drop: REVOKE ALL ON SCHEMA public FROM mif_worker; -- the role is cluster-wide (other databases may use it): it is kept
-- The background worker's database role. It owns the job engine's tables (an owner bypasses
-- their row-level security without BYPASSRLS, which only a superuser may grant) and executes
-- the maintenance functions; it has no right on any table of the product. NOLOGIN: the worker
-- logs in as the owner (or its own login, a member of this role) and switches to it
-- (SET ROLE) on every connection of its pool.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mif_worker') THEN
        CREATE ROLE mif_worker NOLOGIN NOINHERIT;
    END IF;
    -- The owner must hold the worker's privileges (not only its membership) to alter, grant on
    -- and drop the tables the worker owns.
    IF NOT pg_has_role(current_user, 'mif_worker', 'USAGE') THEN
        EXECUTE format('GRANT mif_worker TO %I', current_user);
    END IF;
END;
$$;
GRANT USAGE ON SCHEMA public TO mif_worker;
