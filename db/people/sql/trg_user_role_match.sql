-- drop: DROP FUNCTION IF EXISTS check_specialized_user_role() CASCADE; DROP FUNCTION IF EXISTS check_user_role_change() CASCADE;
-- Seed 004's "CHECK (user_id IN (SELECT ...))" is not valid PostgreSQL: a techniciens row must
-- belong to a user whose role is technicien, a clients row to a client user (TG_ARGV[0]); and a
-- user who has such a row cannot change role.
CREATE OR REPLACE FUNCTION check_specialized_user_role() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_role user_role;
BEGIN
    SELECT role INTO v_role FROM users WHERE id = NEW.user_id;
    IF v_role IS DISTINCT FROM TG_ARGV[0]::user_role THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'chk_user_role_' || TG_ARGV[0],
            TABLE = TG_TABLE_NAME,
            MESSAGE = format('L''utilisateur %s n''a pas le rôle « %s » (rôle : %s).',
                             NEW.user_id, TG_ARGV[0], COALESCE(v_role::text, 'inconnu'));
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_techniciens_user_role
    BEFORE INSERT OR UPDATE OF user_id ON techniciens
    FOR EACH ROW EXECUTE FUNCTION check_specialized_user_role('technicien');

CREATE TRIGGER trg_clients_user_role
    BEFORE INSERT OR UPDATE OF user_id ON clients
    FOR EACH ROW EXECUTE FUNCTION check_specialized_user_role('client');

CREATE OR REPLACE FUNCTION check_user_role_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.role IS DISTINCT FROM OLD.role AND (
           (NEW.role <> 'technicien' AND EXISTS (SELECT 1 FROM techniciens WHERE user_id = NEW.id))
        OR (NEW.role <> 'client' AND EXISTS (SELECT 1 FROM clients WHERE user_id = NEW.id))) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'chk_user_role_change',
            TABLE = 'users',
            MESSAGE = format('Le rôle de l''utilisateur %s ne peut pas passer de « %s » à « %s » : '
                             'une fiche %s lui est rattachée.', NEW.id, OLD.role, NEW.role, OLD.role);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_users_role_change
    BEFORE UPDATE OF role ON users
    FOR EACH ROW EXECUTE FUNCTION check_user_role_change();
