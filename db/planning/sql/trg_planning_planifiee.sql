-- drop: DROP FUNCTION IF EXISTS planning_planifiee_sync() CASCADE;
-- interventions.planifiee follows the slots: a slot created marks its intervention planned,
-- a slot deleted (or moved to another intervention) unmarks the one it left. One slot per
-- intervention (uq_planning_intervention_id), so the one left has none.
-- SECURITY DEFINER with a fixed search_path: it only ever sets this flag, whoever plans (the
-- flag is no one's to write by hand: intervention_planifiee). The UPDATE changes nothing else:
-- the audit trigger writes no row for it (log_intervention_changes v3 leaves the flag out).
CREATE OR REPLACE FUNCTION planning_planifiee_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.intervention_id = OLD.intervention_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE interventions SET planifiee = false
         WHERE id = OLD.intervention_id AND planifiee;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE interventions SET planifiee = true
         WHERE id = NEW.intervention_id AND NOT planifiee;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_planning_planifiee
    AFTER INSERT OR DELETE OR UPDATE OF intervention_id ON planning
    FOR EACH ROW EXECUTE FUNCTION planning_planifiee_sync();
