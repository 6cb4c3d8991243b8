-- drop: DROP FUNCTION IF EXISTS intervention_statut_occupations_sync() CASCADE;
-- Cancelling or archiving an intervention frees its technicians' time: its slot (kept as a
-- record) no longer occupies anyone.
CREATE OR REPLACE FUNCTION intervention_statut_occupations_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.statut IN ('annulee', 'archivee') AND OLD.statut NOT IN ('annulee', 'archivee') THEN
        DELETE FROM planning_occupations WHERE intervention_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_statut_occupations
    AFTER UPDATE OF statut ON interventions
    FOR EACH ROW EXECUTE FUNCTION intervention_statut_occupations_sync();
