-- drop: DROP FUNCTION IF EXISTS auth_login_check(text, text, text, text);
-- Second step of a sign-in: compares the stored hash with p_candidate, the bcrypt hash the app
-- computed from the typed password and the prefix given by auth_login_salt(), and keeps the
-- lock-out. The account's row is locked (FOR UPDATE) before anything is read, so attempts on
-- one account run one after the other whatever the number of replicas or threads: never more
-- than 5 comparisons per lock-out window.
--   outcome 'ok'         the hash matches: counter and lock cleared, last_login_at stamped,
--                        event 'succes'; authenticated_at is that instant (sessions opened
--                        before a later logout are void: see auth_session_user);
--   outcome 'echec'      no match: event 'echec'; the 5th failure in a row locks the account
--                        for 15 minutes (event 'verrouillage', locked_until returned); a lock
--                        that has expired starts a fresh series;
--   outcome 'verrouille' the account is locked: nothing compared, nothing recorded;
--   outcome 'refuse'     unknown or inactive account: event 'echec' with no user id.
-- p_ip and p_user_agent come from the browser: an IP that does not parse is stored as NULL.
CREATE OR REPLACE FUNCTION auth_login_check(
    p_username text, p_candidate text, p_ip text, p_user_agent text
)
RETURNS TABLE (outcome text, attempts integer, locked_until timestamptz,
               authenticated_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
#variable_conflict use_column
DECLARE
    v_name text := lower(btrim(COALESCE(p_username, '')));
    v_ip inet;
    v_agent text := left(p_user_agent, 500);
    v_id integer;
    v_hash text;
    v_count integer;
    v_locked timestamptz;
    v_now timestamptz;
BEGIN
    BEGIN
        v_ip := NULLIF(btrim(p_ip), '')::inet;
    EXCEPTION WHEN data_exception THEN
        v_ip := NULL;
    END;

    SELECT u.id, u.hashed_password, u.failed_login_count, u.locked_until
      INTO v_id, v_hash, v_count, v_locked
      FROM users u
     WHERE lower(u.username) = v_name AND u.is_active
     ORDER BY u.id
     LIMIT 1
       FOR UPDATE;
    -- Read after the lock is granted: an attempt that waited sees the previous one's outcome.
    v_now := clock_timestamp();

    IF v_id IS NULL THEN
        INSERT INTO login_events (user_id, username, event, adresse_ip, user_agent)
        VALUES (NULL, left(v_name, 200), 'echec', v_ip, v_agent);
        RETURN QUERY SELECT 'refuse'::text, 0, NULL::timestamptz, NULL::timestamptz;
        RETURN;
    END IF;

    IF v_locked > v_now THEN
        RETURN QUERY SELECT 'verrouille'::text, v_count, v_locked, NULL::timestamptz;
        RETURN;
    END IF;

    IF p_candidate IS NOT NULL AND p_candidate <> '' AND p_candidate = v_hash THEN
        UPDATE users u
           SET failed_login_count = 0, locked_until = NULL, last_login_at = v_now
         WHERE u.id = v_id;
        INSERT INTO login_events (user_id, username, event, adresse_ip, user_agent)
        VALUES (v_id, v_name, 'succes', v_ip, v_agent);
        RETURN QUERY SELECT 'ok'::text, 0, NULL::timestamptz, v_now;
        RETURN;
    END IF;

    IF v_locked IS NOT NULL THEN  -- the previous lock has expired: a fresh series
        v_count := 0;
    END IF;
    v_count := v_count + 1;
    v_locked := CASE WHEN v_count >= 5 THEN v_now + interval '15 minutes' END;
    UPDATE users u
       SET failed_login_count = v_count, locked_until = v_locked
     WHERE u.id = v_id;
    INSERT INTO login_events (user_id, username, event, adresse_ip, user_agent)
    VALUES (v_id, v_name, 'echec', v_ip, v_agent);
    IF v_locked IS NOT NULL THEN
        INSERT INTO login_events (user_id, username, event, adresse_ip, user_agent)
        VALUES (v_id, v_name, 'verrouillage', v_ip, v_agent);
    END IF;
    RETURN QUERY SELECT 'echec'::text, v_count, v_locked, NULL::timestamptz;
END;
$fn$;

REVOKE ALL ON FUNCTION auth_login_check(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_login_check(text, text, text, text) TO mif_app;
