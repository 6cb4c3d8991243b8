-- drop: DROP FUNCTION IF EXISTS log_intervention_message() CASCADE;
-- A message posted in a conversation bound to an intervention leaves an audit row
-- (ajout_commentaire) in that intervention's trail, in the author's name. SECURITY DEFINER:
-- no application role inserts audit rows directly (db/access/matrix.csv). Only when a user
-- acts, like the other audit rows written by the application (the seed's chat history is
-- imported, not posted).
CREATE OR REPLACE FUNCTION log_intervention_message() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_intervention integer;
BEGIN
    IF app_current_user_id() IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT intervention_id INTO v_intervention FROM conversations WHERE id = NEW.conversation_id;
    IF v_intervention IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO historiques_interventions (
        intervention_id, user_id, action, description, nouvelle_valeur, horodatage,
        adresse_ip, user_agent)
    VALUES (
        v_intervention, COALESCE(NEW.user_id, app_current_user_id()), 'ajout_commentaire',
        'Message : ' || left(NEW.contenu, 200),
        jsonb_build_object('message_id', NEW.id, 'conversation_id', NEW.conversation_id),
        now(),
        NULLIF(current_setting('app.client_ip', true), '')::inet,
        NULLIF(current_setting('app.user_agent', true), ''));
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_messages_audit
    AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION log_intervention_message();
