-- drop: DROP FUNCTION IF EXISTS notify_client_request() CASCADE;
-- A request filed by a client user (the acting user's role is 'client') is announced to every
-- active admin and responsable. SECURITY DEFINER: a client may not write notifications (nor
-- read the list of managers); the function writes only these rows.
CREATE OR REPLACE FUNCTION notify_client_request() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF app_current_role() IS DISTINCT FROM 'client' THEN
        RETURN NULL;
    END IF;
    INSERT INTO notifications (user_id, titre, message, type_notification, intervention_id,
                               metadata)
    SELECT u.id, 'Nouvelle demande client',
           format('%s : « %s »', c.nom_entreprise, left(NEW.titre, 150)),
           'intervention', NEW.id, jsonb_build_object('kind', 'demande_client')
      FROM users u CROSS JOIN clients c
     WHERE c.id = NEW.client_id AND u.role IN ('admin', 'responsable') AND u.is_active;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_notify_client_request
    AFTER INSERT ON interventions
    FOR EACH ROW EXECUTE FUNCTION notify_client_request();
