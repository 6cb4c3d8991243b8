-- drop: SELECT 1; -- roles are cluster-wide (other databases may use them): they are kept; db.access.remove revokes their rights here
-- One database role per application role. The login role mif_app holds none of their rights
-- (NOINHERIT): each transaction switches to the role of the acting user (db.session.apply_actor
-- -> app_session_role()), so the grants and policies of that role alone apply, and each policy
-- compares indexed columns with values computed once per statement.
DO $$
DECLARE
    r text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mif_app') THEN
        CREATE ROLE mif_app NOLOGIN;
    END IF;
    -- Before the memberships below: on PostgreSQL 16+ a new membership inherits by default
    -- only when the member role has INHERIT.
    ALTER ROLE mif_app NOINHERIT;
    FOREACH r IN ARRAY ARRAY['mif_admin', 'mif_responsable', 'mif_technicien', 'mif_client'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
        END IF;
        IF NOT pg_has_role('mif_app', r, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO mif_app', r);
        END IF;
    END LOOP;
END;
$$;
