-- drop: DROP FUNCTION IF EXISTS fill_document_equipement() CASCADE; DROP FUNCTION IF EXISTS follow_intervention_documents() CASCADE;
-- A document of an intervention also carries the intervention's machine, so "the documents of
-- a client's machines" is one indexed comparison (the client row scope) and a machine's
-- documents are found by equipement_id alone. A machine given with a different intervention
-- is refused; when the intervention moves to another machine, its documents follow.
CREATE OR REPLACE FUNCTION fill_document_equipement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_equipement integer;
BEGIN
    IF NEW.intervention_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT equipement_id INTO v_equipement FROM interventions WHERE id = NEW.intervention_id;
    IF v_equipement IS NULL THEN
        RETURN NEW;  -- the foreign key reports the unknown intervention
    END IF;
    IF NEW.equipement_id IS NOT NULL AND NEW.equipement_id <> v_equipement THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'document_equipement_intervention',
            TABLE = 'documents',
            MESSAGE = 'Le document doit porter sur la machine de son intervention.';
    END IF;
    NEW.equipement_id := v_equipement;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_documents_equipement
    BEFORE INSERT OR UPDATE OF intervention_id, equipement_id ON documents
    FOR EACH ROW EXECUTE FUNCTION fill_document_equipement();

CREATE OR REPLACE FUNCTION follow_intervention_documents() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE documents SET equipement_id = NEW.equipement_id
     WHERE intervention_id = NEW.id AND equipement_id IS DISTINCT FROM NEW.equipement_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_documents_equipement
    AFTER UPDATE OF equipement_id ON interventions
    FOR EACH ROW WHEN (NEW.equipement_id IS DISTINCT FROM OLD.equipement_id)
    EXECUTE FUNCTION follow_intervention_documents();
