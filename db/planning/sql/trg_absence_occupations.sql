-- drop: DROP FUNCTION IF EXISTS absence_occupations_sync() CASCADE;
-- An absence occupies its technician for its whole period: no slot may fall inside it, and
-- an absence over planned work is refused until that work is unplanned (the service lists it
-- and asks for confirmation first). Deleting an absence frees the time (ON DELETE CASCADE).
CREATE OR REPLACE FUNCTION absence_occupations_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.technicien_id = OLD.technicien_id AND NEW.date_debut = OLD.date_debut
           AND NEW.date_fin = OLD.date_fin THEN
            RETURN NULL;
        END IF;
        DELETE FROM planning_occupations WHERE absence_id = OLD.id;
    END IF;
    PERFORM occupation_reserve(NEW.technicien_id, tstzrange(NEW.date_debut, NEW.date_fin),
                               NULL, NULL, NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_absences_occupations
    AFTER INSERT OR UPDATE OF technicien_id, date_debut, date_fin ON absences
    FOR EACH ROW EXECUTE FUNCTION absence_occupations_sync();
