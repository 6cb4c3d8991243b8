-- drop: DROP FUNCTION IF EXISTS sync_intervention_principal() CASCADE;
-- interventions.technicien_id is the principal: keep its intervention_techniciens row in step
-- (the previous principal's row goes; an assistant who becomes principal is promoted).
CREATE OR REPLACE FUNCTION sync_intervention_principal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.technicien_id IS NOT DISTINCT FROM OLD.technicien_id THEN
        RETURN NULL;
    END IF;
    DELETE FROM intervention_techniciens
     WHERE intervention_id = NEW.id AND role = 'principal'
       AND technicien_id IS DISTINCT FROM NEW.technicien_id;
    IF NEW.technicien_id IS NOT NULL THEN
        INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)
        VALUES (NEW.id, NEW.technicien_id, 'principal')
        ON CONFLICT (intervention_id, technicien_id) DO UPDATE SET role = 'principal';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_principal_sync
    AFTER INSERT OR UPDATE OF technicien_id ON interventions
    FOR EACH ROW EXECUTE FUNCTION sync_intervention_principal();
