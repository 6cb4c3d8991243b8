-- drop: DROP FUNCTION IF EXISTS archive_old_interventions() CASCADE;
-- Retention (seed 004): archive interventions closed more than 2 years ago, delete read
-- notifications older than 6 months and audit rows older than 3 years. The flag lets the
-- immutability trigger accept these deletions, for this transaction only.
CREATE OR REPLACE FUNCTION archive_old_interventions() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE interventions
       SET statut = 'archivee'
     WHERE statut = 'cloturee'
       AND date_fin < CURRENT_DATE - INTERVAL '2 years';

    DELETE FROM notifications
     WHERE date_envoi < CURRENT_DATE - INTERVAL '6 months'
       AND lu = TRUE;

    PERFORM set_config('app.retention_run', 'on', true);
    DELETE FROM historiques_interventions
     WHERE horodatage < CURRENT_DATE - INTERVAL '3 years';
    PERFORM set_config('app.retention_run', 'off', true);
END;
$$;
