-- drop: DROP FUNCTION IF EXISTS planning_guard() CASCADE;
-- No slot is created on a cancelled or archived intervention, nor moved onto one (or moved
-- while its intervention is cancelled or archived): that work will never happen. Other
-- updates of such a slot (a note, the reminder flag) stay possible.
CREATE OR REPLACE FUNCTION planning_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_statut text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.intervention_id = OLD.intervention_id
       AND NEW.date_debut = OLD.date_debut AND NEW.date_fin = OLD.date_fin THEN
        RETURN NEW;
    END IF;
    SELECT statut::text INTO v_statut FROM interventions WHERE id = NEW.intervention_id;
    IF v_statut IN ('annulee', 'archivee') THEN
        RAISE EXCEPTION 'Intervention n° % % : on ne la planifie plus.', NEW.intervention_id,
            CASE v_statut WHEN 'annulee' THEN 'annulée' ELSE 'archivée' END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'planning_intervention_close',
                  TABLE = 'planning';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_planning_guard
    BEFORE INSERT OR UPDATE OF intervention_id, date_debut, date_fin ON planning
    FOR EACH ROW EXECUTE FUNCTION planning_guard();
