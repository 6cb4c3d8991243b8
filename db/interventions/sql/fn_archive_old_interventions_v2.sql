-- drop: DROP FUNCTION IF EXISTS archive_old_interventions() CASCADE;
-- Retention (seed 004): archive interventions closed more than 2 years ago, delete read
-- notifications older than 6 months and audit rows older than 3 years; returns the counts.
-- The run is recorded in retention_runs under the current transaction id: that open row is
-- what lets the immutability trigger accept these deletions. No setting can forge it (the app
-- roles cannot write retention_runs), and only the owner may execute this function.
CREATE OR REPLACE FUNCTION archive_old_interventions()
RETURNS TABLE (archived integer, notifications_deleted integer, audit_deleted integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_run integer;
BEGIN
    INSERT INTO retention_runs (txid) VALUES (txid_current()) RETURNING id INTO v_run;

    UPDATE interventions
       SET statut = 'archivee'
     WHERE statut = 'cloturee'
       AND date_fin < CURRENT_DATE - INTERVAL '2 years';
    GET DIAGNOSTICS archived = ROW_COUNT;

    DELETE FROM notifications
     WHERE date_envoi < CURRENT_DATE - INTERVAL '6 months'
       AND lu = TRUE;
    GET DIAGNOSTICS notifications_deleted = ROW_COUNT;

    DELETE FROM historiques_interventions
     WHERE horodatage < CURRENT_DATE - INTERVAL '3 years';
    GET DIAGNOSTICS audit_deleted = ROW_COUNT;

    UPDATE retention_runs
       SET finished_at = clock_timestamp(),
           interventions_archivees = archived,
           notifications_supprimees = notifications_deleted,
           historiques_supprimes = audit_deleted
     WHERE id = v_run;
    RETURN NEXT;
END;
$$;
REVOKE ALL ON FUNCTION archive_old_interventions() FROM PUBLIC;
