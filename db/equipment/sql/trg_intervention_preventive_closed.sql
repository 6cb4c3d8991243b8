-- drop: DROP FUNCTION IF EXISTS update_equipement_prochaine_maintenance() CASCADE;
-- Closing a preventive intervention moves the machine's next maintenance forward by its
-- interval: from the due date when the work was done on time or early (the plan keeps its
-- rhythm), from the closing day when it was late. Nothing moves without an interval.
-- SECURITY DEFINER: a technician closes the job but may not edit the machine itself.
CREATE OR REPLACE FUNCTION update_equipement_prochaine_maintenance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.statut = 'cloturee' AND OLD.statut IS DISTINCT FROM 'cloturee'
       AND NEW.type_intervention = 'preventive' THEN
        UPDATE equipements e
           SET prochaine_maintenance = GREATEST(
                   COALESCE(e.prochaine_maintenance,
                            (COALESCE(NEW.date_fin, now()) AT TIME ZONE 'Africa/Casablanca')::date),
                   (COALESCE(NEW.date_fin, now()) AT TIME ZONE 'Africa/Casablanca')::date)
               + e.intervalle_maintenance_jours
         WHERE e.id = NEW.equipement_id AND e.intervalle_maintenance_jours IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_preventive_closed
    AFTER UPDATE OF statut ON interventions
    FOR EACH ROW EXECUTE FUNCTION update_equipement_prochaine_maintenance();
