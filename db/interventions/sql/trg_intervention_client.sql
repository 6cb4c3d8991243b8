-- drop: DROP FUNCTION IF EXISTS validate_intervention_client() CASCADE; DROP FUNCTION IF EXISTS validate_equipement_owner_interventions() CASCADE;
-- Seed 004: the intervention's client is the equipment owner (filled in when omitted). Also: no
-- new intervention on a retired machine, and a contract must belong to the same client. The other
-- side of the rule: a machine with interventions keeps its owner.
CREATE OR REPLACE FUNCTION validate_intervention_client() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_owner integer;
    v_statut statut_equipement;
    v_contrat_client integer;
BEGIN
    SELECT client_id, statut INTO v_owner, v_statut FROM equipements WHERE id = NEW.equipement_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key reports the missing machine
    END IF;
    NEW.client_id := COALESCE(NEW.client_id, v_owner);
    IF NEW.client_id <> v_owner THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_client_equipement',
            TABLE = 'interventions',
            MESSAGE = 'Le client de l''intervention doit être le propriétaire de l''équipement.';
    END IF;
    IF v_statut = 'retire' AND (TG_OP = 'INSERT' OR NEW.equipement_id <> OLD.equipement_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_equipement_retire',
            TABLE = 'interventions',
            MESSAGE = 'Impossible de créer une intervention sur un équipement retiré.';
    END IF;
    IF NEW.contrat_id IS NOT NULL THEN
        SELECT client_id INTO v_contrat_client FROM contrats WHERE id = NEW.contrat_id;
        IF FOUND AND v_contrat_client <> NEW.client_id THEN
            RAISE EXCEPTION USING
                ERRCODE = 'check_violation',
                CONSTRAINT = 'intervention_contrat_client',
                TABLE = 'interventions',
                MESSAGE = 'Le contrat choisi appartient à un autre client.';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER intervention_client_validation
    BEFORE INSERT OR UPDATE ON interventions
    FOR EACH ROW EXECUTE FUNCTION validate_intervention_client();

CREATE OR REPLACE FUNCTION validate_equipement_owner_interventions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM interventions
                WHERE equipement_id = NEW.id AND client_id <> NEW.client_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_client_equipement',
            TABLE = 'equipements',
            MESSAGE = 'Cet équipement a des interventions de son client : il ne peut pas changer de propriétaire.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_equipements_owner_interventions
    BEFORE UPDATE OF client_id ON equipements
    FOR EACH ROW WHEN (NEW.client_id IS DISTINCT FROM OLD.client_id)
    EXECUTE FUNCTION validate_equipement_owner_interventions();
