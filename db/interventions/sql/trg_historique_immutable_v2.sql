-- drop: DROP FUNCTION IF EXISTS refuse_historique_change() CASCADE;
-- Audit rows are never changed or removed, whoever asks and through whatever path (a cascade
-- from a deleted client or machine included), except by the retention function while its run
-- is open in retention_runs for this very transaction. SECURITY DEFINER: the check reads
-- retention_runs, which no app role may read or write.
CREATE OR REPLACE FUNCTION refuse_historique_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM retention_runs
         WHERE txid = txid_current() AND finished_at IS NULL) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'check_violation',
        CONSTRAINT = 'historique_immuable',
        TABLE = 'historiques_interventions',
        MESSAGE = 'L''historique des interventions ne peut être ni modifié ni supprimé.';
END;
$$;

CREATE TRIGGER trg_historiques_immutable
    BEFORE UPDATE OR DELETE ON historiques_interventions
    FOR EACH ROW EXECUTE FUNCTION refuse_historique_change();
