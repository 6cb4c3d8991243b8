-- drop: DROP FUNCTION IF EXISTS intervention_planifiee_guard() CASCADE;
-- interventions.planifiee is derived: whoever writes it (any role, the owner too) may only
-- write the truth, "this intervention has a slot". A new intervention has none (a slot
-- points to an existing intervention); a change must agree with ``planning``. So the
-- planning trigger's updates pass and a hand-made one is refused (a technician or a client
-- hiding planned work from the list, or a manager faking it). SECURITY DEFINER: the truth
-- is read whole, not through the writer's row-level security.
-- Fired only when the flag is set on insert or changes on update (WHEN clauses): other
-- writes of interventions pay nothing.
CREATE OR REPLACE FUNCTION intervention_planifiee_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.planifiee IS DISTINCT FROM (
        TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM planning p WHERE p.intervention_id = NEW.id)
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_planifiee',
            TABLE = 'interventions',
            MESSAGE = 'Le repère « planifiée » d''une intervention suit son créneau au planning : '
                      'créez ou supprimez le créneau plutôt que de le modifier.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_interventions_planifiee_insert
    BEFORE INSERT ON interventions
    FOR EACH ROW WHEN (NEW.planifiee) EXECUTE FUNCTION intervention_planifiee_guard();

CREATE TRIGGER trg_interventions_planifiee_update
    BEFORE UPDATE ON interventions
    FOR EACH ROW WHEN (NEW.planifiee IS DISTINCT FROM OLD.planifiee)
    EXECUTE FUNCTION intervention_planifiee_guard();
