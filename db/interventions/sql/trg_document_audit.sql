-- drop: DROP FUNCTION IF EXISTS log_intervention_document() CASCADE;
-- A document filed on an intervention leaves an upload_document row in its audit trail, in the
-- uploader's name. SECURITY DEFINER: no application role inserts audit rows directly
-- (db/access/matrix.csv). Only when a user acts (the seed's history is imported, not posted).
CREATE OR REPLACE FUNCTION log_intervention_document() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF app_current_user_id() IS NULL OR NEW.intervention_id IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO historiques_interventions (
        intervention_id, user_id, action, description, nouvelle_valeur, horodatage,
        adresse_ip, user_agent)
    VALUES (
        NEW.intervention_id, app_current_user_id(), 'upload_document',
        'Document : ' || left(NEW.nom_fichier, 200),
        jsonb_build_object('document_id', NEW.id, 'nom_fichier', NEW.nom_fichier,
                           'type_document', NEW.type_document),
        now(),
        NULLIF(current_setting('app.client_ip', true), '')::inet,
        NULLIF(current_setting('app.user_agent', true), ''));
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_documents_audit
    AFTER INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION log_intervention_document();
