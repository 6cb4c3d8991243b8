-- drop: DROP FUNCTION IF EXISTS intervention_date_planifiee_sync() CASCADE;
-- The other direction: a new date_planifiee written on an intervention that has a slot moves
-- the slot (same length), so the two never disagree; the slot's own rules apply (overlap,
-- absence). Clearing it while a slot exists is refused: the slot is what to delete.
-- As the acting user: a role that may not move slots cannot move them this way either.
CREATE OR REPLACE FUNCTION intervention_date_planifiee_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v_slot record;
BEGIN
    SELECT id, date_debut, date_fin INTO v_slot FROM planning WHERE intervention_id = NEW.id;
    IF NOT FOUND OR v_slot.date_debut IS NOT DISTINCT FROM NEW.date_planifiee THEN
        RETURN NULL;
    END IF;
    IF NEW.date_planifiee IS NULL THEN
        RAISE EXCEPTION 'L''intervention n° % a un créneau au planning : supprimez le créneau plutôt que la date planifiée.',
            NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'planning_date_planifiee',
                  TABLE = 'interventions';
    END IF;
    UPDATE planning
       SET date_debut = NEW.date_planifiee,
           date_fin = NEW.date_planifiee + (v_slot.date_fin - v_slot.date_debut)
     WHERE id = v_slot.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_date_planifiee
    AFTER UPDATE OF date_planifiee ON interventions
    FOR EACH ROW EXECUTE FUNCTION intervention_date_planifiee_sync();
