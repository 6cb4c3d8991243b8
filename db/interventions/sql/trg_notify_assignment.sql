-- drop: DROP FUNCTION IF EXISTS notify_technician_assignment() CASCADE;
-- A technician added to an intervention (principal, through trg_interventions_principal_sync,
-- or assistant) is told. Only when a user acts: the seed and history imports (no acting user)
-- announce nothing, and a technician who puts themselves on a diagnostic is not told about it.
-- SECURITY DEFINER: a manager's role may write notifications, but the row must be written
-- whoever triggers it (a principal synced by the database).
CREATE OR REPLACE FUNCTION notify_technician_assignment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor integer := app_current_user_id();
BEGIN
    IF v_actor IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO notifications (user_id, titre, message, type_notification, intervention_id,
                               metadata)
    SELECT t.user_id,
           CASE NEW.role WHEN 'principal' THEN 'Intervention affectée'
                         ELSE 'Intervention : vous êtes assistant' END,
           format('« %s » (n° %s)', left(i.titre, 150), i.id),
           'intervention', NEW.intervention_id,
           jsonb_build_object('kind', 'affectation', 'role', NEW.role)
      FROM techniciens t
      JOIN users u ON u.id = t.user_id AND u.is_active
      JOIN interventions i ON i.id = NEW.intervention_id
     WHERE t.id = NEW.technicien_id AND t.user_id <> v_actor;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_intervention_techniciens_notify
    AFTER INSERT ON intervention_techniciens
    FOR EACH ROW EXECUTE FUNCTION notify_technician_assignment();
