-- drop: DROP FUNCTION IF EXISTS guard_intervention_techniciens() CASCADE;
-- Direct writes to intervention_techniciens may add or remove assistants only: the principal
-- row always mirrors interventions.technicien_id. Writes made by another trigger (the sync
-- above, cascades) run at trigger depth > 1 and are let through.
CREATE OR REPLACE FUNCTION guard_intervention_techniciens() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_principal integer;
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    SELECT technicien_id INTO v_principal FROM interventions
     WHERE id = COALESCE(NEW.intervention_id, OLD.intervention_id);
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.role = 'principal'
       AND NEW.technicien_id IS DISTINCT FROM v_principal THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_principal_coherent',
            TABLE = 'intervention_techniciens',
            MESSAGE = 'Le technicien principal se change sur l''intervention elle-même.';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.role = 'principal'
       AND OLD.technicien_id IS NOT DISTINCT FROM v_principal
       AND (TG_OP = 'DELETE' OR NEW.role <> 'principal'
            OR NEW.technicien_id IS DISTINCT FROM OLD.technicien_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_principal_coherent',
            TABLE = 'intervention_techniciens',
            MESSAGE = 'Le technicien principal se change sur l''intervention elle-même.';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$;

CREATE TRIGGER trg_intervention_techniciens_guard
    BEFORE INSERT OR UPDATE OR DELETE ON intervention_techniciens
    FOR EACH ROW EXECUTE FUNCTION guard_intervention_techniciens();
