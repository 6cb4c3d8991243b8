-- drop: SELECT 1; -- the role is cluster-wide (other databases may use it): it is kept
-- The application's login role: neither superuser nor table owner, so row-level security applies.
-- Roles are cluster-wide, so the downgrade only revokes; the role itself is kept.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mif_app') THEN
        CREATE ROLE mif_app NOLOGIN;
    END IF;
    -- The owner may switch to the app role inside a transaction (SET LOCAL ROLE), which is how the
    -- tests check row-level security on uncommitted data.
    IF NOT pg_has_role(current_user, 'mif_app', 'MEMBER') THEN
        EXECUTE format('GRANT mif_app TO %I', current_user);
    END IF;
END;
$$;
