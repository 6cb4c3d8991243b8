-- drop: DROP FUNCTION IF EXISTS update_equipement_derniere_maintenance() CASCADE;
-- Closing an intervention records the machine's last maintenance (never moves it backwards).
-- SECURITY DEFINER: a technician closes the job but may not edit the machine itself.
CREATE OR REPLACE FUNCTION update_equipement_derniere_maintenance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.statut = 'cloturee' AND (TG_OP = 'INSERT' OR OLD.statut IS DISTINCT FROM 'cloturee') THEN
        UPDATE equipements
           SET derniere_maintenance = NEW.date_fin
         WHERE id = NEW.equipement_id
           AND (derniere_maintenance IS NULL OR derniere_maintenance < NEW.date_fin);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_closed_equipement
    AFTER INSERT OR UPDATE OF statut ON interventions
    FOR EACH ROW EXECUTE FUNCTION update_equipement_derniere_maintenance();
