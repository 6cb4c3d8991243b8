-- drop: DROP FUNCTION IF EXISTS intervention_techniciens_occupations_sync() CASCADE;
-- A technician added to a planned intervention (principal or assistant) is booked for its
-- slot, and refused when already busy then; one who leaves it is freed.
CREATE OR REPLACE FUNCTION intervention_techniciens_occupations_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_slot record;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM planning_occupations
         WHERE intervention_id = OLD.intervention_id AND technicien_id = OLD.technicien_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT p.id, p.date_debut, p.date_fin INTO v_slot
          FROM planning p JOIN interventions i ON i.id = p.intervention_id
         WHERE p.intervention_id = NEW.intervention_id
           AND i.statut NOT IN ('annulee', 'archivee');
        IF FOUND THEN
            PERFORM occupation_reserve(NEW.technicien_id,
                                       tstzrange(v_slot.date_debut, v_slot.date_fin),
                                       v_slot.id, NEW.intervention_id, NULL);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_intervention_techniciens_occupations
    AFTER INSERT OR DELETE OR UPDATE OF intervention_id, technicien_id
    ON intervention_techniciens
    FOR EACH ROW EXECUTE FUNCTION intervention_techniciens_occupations_sync();
