-- drop: DROP FUNCTION IF EXISTS notify_late_interventions(); DROP INDEX IF EXISTS uq_notification_retard;
-- Deadlines passed: one notification per (late open intervention, user) to its principal
-- technician's user and to every active manager, announced once: the partial unique index
-- makes a second run (cron) write nothing for what was already announced. Returns the number
-- of notifications written. Owner only, like archive_old_interventions(): the command line
-- `python -m db notify-late` runs it (not in db/access/functions.csv).
-- The late interventions are a short range of idx_open_interventions_deadline.
CREATE UNIQUE INDEX uq_notification_retard ON notifications (user_id, intervention_id)
    WHERE (metadata ->> 'kind') = 'retard';

CREATE OR REPLACE FUNCTION notify_late_interventions() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_count integer;
BEGIN
    WITH late AS (
        SELECT i.id, i.titre, i.date_limite, i.technicien_id
          FROM interventions i
         WHERE i.statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')
           AND i.date_limite < now()
    ), recipients AS (
        SELECT l.id, l.titre, l.date_limite, t.user_id
          FROM late l
          JOIN techniciens t ON t.id = l.technicien_id
          JOIN users u ON u.id = t.user_id AND u.is_active
        UNION
        SELECT l.id, l.titre, l.date_limite, u.id
          FROM late l CROSS JOIN users u
         WHERE u.role IN ('admin', 'responsable') AND u.is_active
    )
    INSERT INTO notifications (user_id, titre, message, type_notification, intervention_id,
                               metadata)
    SELECT r.user_id, 'Échéance dépassée',
           format('« %s » (n° %s) devait être terminée le %s.', left(r.titre, 150), r.id,
                  to_char(r.date_limite AT TIME ZONE 'Africa/Casablanca', 'DD/MM/YYYY HH24:MI')),
           'warning', r.id, jsonb_build_object('kind', 'retard')
      FROM recipients r
    ON CONFLICT (user_id, intervention_id) WHERE (metadata ->> 'kind') = 'retard' DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
