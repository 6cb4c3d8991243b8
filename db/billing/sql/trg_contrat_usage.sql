-- drop: DROP FUNCTION IF EXISTS compute_contrat_usage() CASCADE; DROP FUNCTION IF EXISTS touch_contrat_usage() CASCADE;
-- contrats.nb_interventions_utilisees is always recomputed by the database: any write to a
-- contract sets it to the number of its interventions that were not cancelled (an archived
-- intervention counts only if it had been closed, i.e. has a date_fin); any intervention change
-- that can alter that number touches the contracts concerned.
CREATE OR REPLACE FUNCTION compute_contrat_usage() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    NEW.nb_interventions_utilisees := (
        SELECT count(*) FROM interventions i
         WHERE i.contrat_id = NEW.id
           AND i.statut <> 'annulee'
           AND NOT (i.statut = 'archivee' AND i.date_fin IS NULL));
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_contrats_usage
    BEFORE INSERT OR UPDATE ON contrats
    FOR EACH ROW EXECUTE FUNCTION compute_contrat_usage();

CREATE OR REPLACE FUNCTION touch_contrat_usage() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.contrat_id IS NOT DISTINCT FROM OLD.contrat_id
       AND NEW.statut IS NOT DISTINCT FROM OLD.statut
       AND (NEW.date_fin IS NULL) = (OLD.date_fin IS NULL) THEN
        RETURN NULL;
    END IF;
    UPDATE contrats SET nb_interventions_utilisees = nb_interventions_utilisees
     WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.contrat_id END,
                  CASE WHEN TG_OP <> 'DELETE' THEN NEW.contrat_id END);
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_interventions_contrat_usage
    AFTER INSERT OR UPDATE OR DELETE ON interventions
    FOR EACH ROW EXECUTE FUNCTION touch_contrat_usage();
