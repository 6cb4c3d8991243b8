-- drop: DROP FUNCTION IF EXISTS auth_end_sessions(text);
-- Logout: voids every login session (and cookie) of p_username opened before now, and records
-- a 'deconnexion' event with the transaction's IP and browser. A user ends only their own
-- sessions: the transaction's acting user (app.current_user_id, set by the data layer) must
-- be that account, otherwise nothing changes. Returns true when the sessions were ended.
CREATE OR REPLACE FUNCTION auth_end_sessions(p_username text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    v_id integer;
    v_name text;
    v_ip inet;
BEGIN
    UPDATE users u
       SET sessions_revoked_at = clock_timestamp()
     WHERE u.id = app_current_user_id()
       AND lower(u.username) = lower(btrim(COALESCE(p_username, '')))
    RETURNING u.id, u.username INTO v_id, v_name;
    IF v_id IS NULL THEN
        RETURN false;
    END IF;
    BEGIN
        v_ip := NULLIF(current_setting('app.client_ip', true), '')::inet;
    EXCEPTION WHEN data_exception THEN
        v_ip := NULL;
    END;
    INSERT INTO login_events (user_id, username, event, adresse_ip, user_agent)
    VALUES (v_id, v_name, 'deconnexion', v_ip,
            left(NULLIF(current_setting('app.user_agent', true), ''), 500));
    RETURN true;
END;
$fn$;

REVOKE ALL ON FUNCTION auth_end_sessions(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_end_sessions(text) TO mif_app;
