-- drop: DROP FUNCTION IF EXISTS validate_intervention_transition() CASCADE;
-- Status machine (seed 004 + DESIGN.md §3.2) and its side effects:
--   affectee/en_cours/en_attente/cloturee need a technician;
--   en_cours sets date_debut when empty (re-opening a closed one clears date_fin/duree_reelle);
--   cloturee sets date_fin and duree_reelle when empty.
-- On INSERT any status is accepted (history imports) but the same side effects apply.
CREATE OR REPLACE FUNCTION validate_intervention_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed statut_intervention[];
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.statut IS DISTINCT FROM OLD.statut THEN
        allowed := CASE OLD.statut
            WHEN 'ouverte'    THEN ARRAY['affectee', 'annulee']
            WHEN 'affectee'   THEN ARRAY['en_cours', 'ouverte', 'annulee']
            WHEN 'en_cours'   THEN ARRAY['en_attente', 'cloturee', 'annulee']
            WHEN 'en_attente' THEN ARRAY['en_cours', 'annulee']
            WHEN 'cloturee'   THEN ARRAY['archivee', 'en_cours']
            WHEN 'annulee'    THEN ARRAY['archivee']
            ELSE ARRAY[]::text[]
        END::statut_intervention[];
        IF NOT (NEW.statut = ANY (allowed)) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'check_violation',
                CONSTRAINT = 'intervention_transition',
                TABLE = 'interventions',
                MESSAGE = format('Transition interdite : %s → %s.', OLD.statut, NEW.statut);
        END IF;
        IF OLD.statut = 'cloturee' AND NEW.statut = 'en_cours' THEN
            NEW.date_fin := NULL;
            NEW.duree_reelle := NULL;
        END IF;
    END IF;

    IF NEW.statut IN ('affectee', 'en_cours', 'en_attente', 'cloturee')
       AND NEW.technicien_id IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_technicien_requis',
            TABLE = 'interventions',
            MESSAGE = format('Une intervention au statut « %s » doit avoir un technicien principal.',
                             NEW.statut);
    END IF;

    IF TG_OP = 'INSERT' OR NEW.statut IS DISTINCT FROM OLD.statut THEN
        IF NEW.statut IN ('en_cours', 'en_attente', 'cloturee') THEN
            -- an imported closed intervention with only its end: it started no later
            NEW.date_debut := COALESCE(NEW.date_debut, LEAST(now(), NEW.date_fin));
        END IF;
        IF NEW.statut = 'cloturee' THEN
            NEW.date_fin := COALESCE(NEW.date_fin, GREATEST(now(), NEW.date_debut));
            NEW.duree_reelle := COALESCE(
                NEW.duree_reelle,
                round((extract(epoch FROM (NEW.date_fin - NEW.date_debut)) / 3600.0)::numeric, 2));
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER intervention_status_validation
    BEFORE INSERT OR UPDATE ON interventions
    FOR EACH ROW EXECUTE FUNCTION validate_intervention_transition();
