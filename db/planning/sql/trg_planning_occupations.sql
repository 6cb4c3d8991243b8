-- drop: DROP FUNCTION IF EXISTS planning_occupations_sync() CASCADE;
-- A slot occupies every technician of its intervention (principal and assistants) for its
-- period; moving it books the new period again (the exclusion constraint decides). A slot of
-- a cancelled or archived intervention occupies nobody. Deleting a slot frees its technicians
-- (ON DELETE CASCADE).
CREATE OR REPLACE FUNCTION planning_occupations_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_tech integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.intervention_id = OLD.intervention_id AND NEW.date_debut = OLD.date_debut
           AND NEW.date_fin = OLD.date_fin THEN
            RETURN NULL;
        END IF;
        DELETE FROM planning_occupations WHERE planning_id = OLD.id;
    END IF;
    FOR v_tech IN
        SELECT it.technicien_id
          FROM intervention_techniciens it JOIN interventions i ON i.id = it.intervention_id
         WHERE it.intervention_id = NEW.intervention_id
           AND i.statut NOT IN ('annulee', 'archivee')
         ORDER BY it.technicien_id
    LOOP
        PERFORM occupation_reserve(v_tech, tstzrange(NEW.date_debut, NEW.date_fin),
                                   NEW.id, NEW.intervention_id, NULL);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_planning_occupations
    AFTER INSERT OR UPDATE OF intervention_id, date_debut, date_fin ON planning
    FOR EACH ROW EXECUTE FUNCTION planning_occupations_sync();
