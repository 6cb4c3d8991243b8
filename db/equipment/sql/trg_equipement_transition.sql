-- drop: DROP FUNCTION IF EXISTS validate_equipement_transition() CASCADE;
-- Seed 004 lifecycle: operationnel -> maintenance|panne, maintenance -> operationnel|retire,
-- panne -> maintenance|retire; retire is final.
CREATE OR REPLACE FUNCTION validate_equipement_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed statut_equipement[];
BEGIN
    IF NEW.statut IS NOT DISTINCT FROM OLD.statut THEN
        RETURN NEW;
    END IF;
    allowed := CASE OLD.statut
        WHEN 'operationnel' THEN ARRAY['maintenance', 'panne']
        WHEN 'maintenance'  THEN ARRAY['operationnel', 'retire']
        WHEN 'panne'        THEN ARRAY['maintenance', 'retire']
        ELSE ARRAY[]::text[]
    END::statut_equipement[];
    IF NOT (NEW.statut = ANY (allowed)) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'equipement_transition',
            TABLE = 'equipements',
            MESSAGE = format('Transition d''équipement interdite : %s → %s.', OLD.statut, NEW.statut);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_equipements_transition
    BEFORE UPDATE OF statut ON equipements
    FOR EACH ROW EXECUTE FUNCTION validate_equipement_transition();
