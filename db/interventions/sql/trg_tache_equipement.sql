-- drop: DROP FUNCTION IF EXISTS validate_tache_equipement() CASCADE; DROP FUNCTION IF EXISTS follow_intervention_equipement() CASCADE;
-- A task of an intervention is about that intervention's machine (filled in when omitted); when
-- the intervention moves to another machine, its tasks follow.
CREATE OR REPLACE FUNCTION validate_tache_equipement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_equipement integer;
BEGIN
    IF NEW.intervention_id IS NOT NULL THEN
        SELECT equipement_id INTO v_equipement FROM interventions WHERE id = NEW.intervention_id;
        NEW.equipement_id := COALESCE(NEW.equipement_id, v_equipement);
        IF FOUND AND NEW.equipement_id <> v_equipement THEN
            RAISE EXCEPTION USING
                ERRCODE = 'check_violation',
                CONSTRAINT = 'tache_equipement_intervention',
                TABLE = 'taches',
                MESSAGE = 'La tâche doit porter sur l''équipement de son intervention.';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_taches_equipement
    BEFORE INSERT OR UPDATE ON taches
    FOR EACH ROW EXECUTE FUNCTION validate_tache_equipement();

CREATE OR REPLACE FUNCTION follow_intervention_equipement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE taches SET equipement_id = NEW.equipement_id
     WHERE intervention_id = NEW.id AND equipement_id <> NEW.equipement_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_taches_equipement
    AFTER UPDATE OF equipement_id ON interventions
    FOR EACH ROW WHEN (NEW.equipement_id IS DISTINCT FROM OLD.equipement_id)
    EXECUTE FUNCTION follow_intervention_equipement();
