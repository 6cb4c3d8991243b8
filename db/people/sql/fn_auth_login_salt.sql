-- drop: DROP FUNCTION IF EXISTS auth_login_salt(text);
-- First step of a sign-in, for the app role, which never reads a password hash: the bcrypt
-- salt prefix of the account ("$2b$12$" + 22 salt characters, 29 in all), with which the app
-- hashes the typed password before auth_login_check() compares it. The hash itself never
-- leaves the database.
--   * active account: the prefix of its stored hash (names compared lower-case);
--   * unknown or inactive account (or an unusable stored hash): a fake prefix, the same on
--     every call for the same name and shaped like a real one, derived from the name and the
--     owner-only key of login_secret, so the answer does not tell whether the account exists;
--   * account locked right now: NULL (the app then says so without any comparison).
CREATE OR REPLACE FUNCTION auth_login_salt(p_username text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    v_name text := lower(btrim(COALESCE(p_username, '')));
    v_hash text;
    v_locked timestamptz;
    v_digest bytea;
BEGIN
    SELECT u.hashed_password, u.locked_until INTO v_hash, v_locked
      FROM users u
     WHERE lower(u.username) = v_name AND u.is_active
     ORDER BY u.id
     LIMIT 1;
    IF FOUND THEN
        IF v_locked > clock_timestamp() THEN
            RETURN NULL;
        END IF;
        IF v_hash ~ '^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}$' THEN
            RETURN left(v_hash, 29);
        END IF;
    END IF;
    -- 16 bytes, as a real salt; bcrypt's base64 alphabet is the standard one rotated
    -- ("./" first, no padding), and 16 bytes give 22 characters whose last one carries the
    -- same 2 bits as in a real salt.
    SELECT substring(sha256(convert_to(s.cle || ':' || v_name, 'UTF8')) FROM 1 FOR 16)
      INTO v_digest
      FROM login_secret s;
    IF v_digest IS NULL THEN  -- never NULL here, which the app would read as "locked"
        RAISE EXCEPTION USING
            ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = 'La clé de connexion (login_secret) est absente : relancez la migration.';
    END IF;
    RETURN '$2b$12$' || translate(
        left(encode(v_digest, 'base64'), 22),
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
        './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
END;
$fn$;

REVOKE ALL ON FUNCTION auth_login_salt(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_login_salt(text) TO mif_app;
