-- drop: DROP FUNCTION IF EXISTS auth_session_user(text, timestamptz);
-- Who a login session (or its cookie) belongs to, checked on every page run: the active
-- account p_username (compared lower-case) with its client company or technician record.
-- No row when the account is unknown or inactive, or when its sessions were revoked (logout,
-- new password, deactivation) after p_authenticated_at, the instant the session was opened.
-- Never returns the password hash. SECURITY DEFINER: the app role reads neither users nor,
-- before it knows who is acting, the client's company (row-level security).
CREATE OR REPLACE FUNCTION auth_session_user(p_username text, p_authenticated_at timestamptz)
RETURNS TABLE (user_id integer, username text, full_name text, email text, role text,
               client_id integer, client_name text, technicien_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    SELECT u.id, u.username::text, u.full_name::text, u.email::text, u.role::text,
           c.id, c.nom_entreprise::text, t.id
      FROM users u
      LEFT JOIN clients c ON c.user_id = u.id AND u.role = 'client'
      LEFT JOIN techniciens t ON t.user_id = u.id AND u.role = 'technicien'
     WHERE lower(u.username) = lower(btrim(COALESCE(p_username, '')))
       AND u.is_active
       AND (p_authenticated_at IS NULL
            OR u.sessions_revoked_at IS NULL
            OR p_authenticated_at >= u.sessions_revoked_at)
     ORDER BY u.id
     LIMIT 1
$fn$;

REVOKE ALL ON FUNCTION auth_session_user(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_session_user(text, timestamptz) TO mif_app;
