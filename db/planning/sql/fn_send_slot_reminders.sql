-- drop: DROP FUNCTION IF EXISTS send_slot_reminders(interval); DROP INDEX IF EXISTS uq_notification_rappel; DROP INDEX IF EXISTS idx_planning_rappel_du;
-- Slot reminders: every confirmed slot starting within the window (24 h) whose reminder is not
-- sent yet → one notification to each technician of the intervention (principal and
-- assistants, active accounts), and rappel_envoye set, in one statement. Idempotent and safe
-- with two workers: the UPDATE takes each slot's row lock and re-checks NOT rappel_envoye
-- after waiting for it, so a slot is claimed once; the unique index is a second guard (one
-- reminder per user, intervention and slot start: a slot moved later gets a new one once the
-- planning page clears rappel_envoye). Returns the number of notifications written.
-- SECURITY DEFINER, executed by the worker role only (and the owner: cron, tests).
CREATE UNIQUE INDEX uq_notification_rappel ON notifications
    (user_id, intervention_id, (metadata ->> 'debut')) WHERE (metadata ->> 'kind') = 'rappel';
-- The slots still to remind are few: a partial index keeps the look-up small at any size.
CREATE INDEX idx_planning_rappel_du ON planning (date_debut) WHERE confirme AND NOT rappel_envoye;

CREATE OR REPLACE FUNCTION send_slot_reminders(p_window interval DEFAULT interval '24 hours')
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_count integer;
BEGIN
    WITH due AS (
        UPDATE planning p
           SET rappel_envoye = true
          FROM interventions i
         WHERE i.id = p.intervention_id
           AND p.confirme AND NOT p.rappel_envoye
           AND p.date_debut > now() AND p.date_debut <= now() + p_window
           AND i.statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')
        RETURNING p.intervention_id, p.date_debut, i.titre
    ), recipients AS (
        SELECT DISTINCT d.intervention_id, d.date_debut, d.titre, t.user_id
          FROM due d
          JOIN intervention_techniciens it ON it.intervention_id = d.intervention_id
          JOIN techniciens t ON t.id = it.technicien_id
          JOIN users u ON u.id = t.user_id AND u.is_active
    )
    INSERT INTO notifications (user_id, titre, message, type_notification, intervention_id,
                               metadata)
    SELECT r.user_id, 'Rappel : intervention planifiée',
           format('« %s » (n° %s) commence le %s.', left(r.titre, 150), r.intervention_id,
                  to_char(r.date_debut AT TIME ZONE 'Africa/Casablanca', 'DD/MM/YYYY à HH24:MI')),
           'planning', r.intervention_id,
           -- the start as epoch seconds: the same text whatever the session's TimeZone
           jsonb_build_object('kind', 'rappel', 'debut', extract(epoch FROM r.date_debut)::bigint)
      FROM recipients r
    ON CONFLICT (user_id, intervention_id, (metadata ->> 'debut'))
       WHERE (metadata ->> 'kind') = 'rappel' DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
REVOKE ALL ON FUNCTION send_slot_reminders(interval) FROM PUBLIC;
