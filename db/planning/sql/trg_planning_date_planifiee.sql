-- drop: DROP FUNCTION IF EXISTS planning_date_planifiee_sync() CASCADE;
-- interventions.date_planifiee is the start of the intervention's slot: a slot created or
-- moved carries it along (as the acting user: only those who may plan reach this point).
CREATE OR REPLACE FUNCTION planning_date_planifiee_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE interventions SET date_planifiee = NEW.date_debut
     WHERE id = NEW.intervention_id AND date_planifiee IS DISTINCT FROM NEW.date_debut;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_planning_date_planifiee
    AFTER INSERT OR UPDATE OF intervention_id, date_debut ON planning
    FOR EACH ROW EXECUTE FUNCTION planning_date_planifiee_sync();
