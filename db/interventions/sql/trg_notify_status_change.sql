-- drop: DROP FUNCTION IF EXISTS notify_status_change() CASCADE;
-- A status change is announced to the client's contact user (clients.user_id), unless that
-- user made it (a client cancelling their own request). Only when a user acts: the retention
-- run (archivee) and imports announce nothing. SECURITY DEFINER: technicians and clients may
-- not write notifications themselves (db/access/matrix.csv).
CREATE OR REPLACE FUNCTION notify_status_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor integer := app_current_user_id();
BEGIN
    IF v_actor IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO notifications (user_id, titre, message, type_notification, intervention_id,
                               metadata)
    SELECT c.user_id, 'Votre intervention a changé de statut',
           format('« %s » : %s → %s', left(NEW.titre, 150),
                  replace(OLD.statut::text, '_', ' '), replace(NEW.statut::text, '_', ' ')),
           'intervention', NEW.id,
           jsonb_build_object('kind', 'statut', 'ancien', OLD.statut, 'nouveau', NEW.statut)
      FROM clients c
      JOIN users u ON u.id = c.user_id AND u.is_active
     WHERE c.id = NEW.client_id AND c.user_id <> v_actor;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_notify_status
    AFTER UPDATE OF statut ON interventions
    FOR EACH ROW WHEN (OLD.statut IS DISTINCT FROM NEW.statut)
    EXECUTE FUNCTION notify_status_change();
