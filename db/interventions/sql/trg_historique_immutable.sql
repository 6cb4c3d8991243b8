-- drop: DROP FUNCTION IF EXISTS refuse_historique_change() CASCADE;
-- Audit rows are never changed or removed, except by the retention function, which sets the
-- transaction-local flag app.retention_run (and the app role has no DELETE privilege anyway).
CREATE OR REPLACE FUNCTION refuse_historique_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('app.retention_run', true) = 'on' THEN
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
