-- drop: DROP FUNCTION IF EXISTS validate_contrat_equipement() CASCADE; DROP FUNCTION IF EXISTS validate_contrat_client_change() CASCADE; DROP FUNCTION IF EXISTS validate_equipement_owner_contrats() CASCADE;
-- A contract covers only machines of its own client. Checked from both sides: adding a machine
-- to a contract, and changing the client of a contract or the owner of a covered machine.
CREATE OR REPLACE FUNCTION validate_contrat_equipement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF (SELECT client_id FROM contrats WHERE id = NEW.contrat_id)
       IS DISTINCT FROM (SELECT client_id FROM equipements WHERE id = NEW.equipement_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'contrat_equipement_client',
            TABLE = 'contrat_equipements',
            MESSAGE = 'Un contrat ne couvre que les équipements de son client.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_contrat_equipements_client
    BEFORE INSERT OR UPDATE ON contrat_equipements
    FOR EACH ROW EXECUTE FUNCTION validate_contrat_equipement();

-- A contract keeps its client while it covers machines or interventions of that client.
CREATE OR REPLACE FUNCTION validate_contrat_client_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM contrat_equipements ce JOIN equipements e ON e.id = ce.equipement_id
                WHERE ce.contrat_id = NEW.id AND e.client_id <> NEW.client_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'contrat_equipement_client',
            TABLE = 'contrats',
            MESSAGE = 'Ce contrat couvre des équipements de son client : il ne peut pas changer de client.';
    END IF;
    IF EXISTS (SELECT 1 FROM interventions i
                WHERE i.contrat_id = NEW.id AND i.client_id <> NEW.client_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'intervention_contrat_client',
            TABLE = 'contrats',
            MESSAGE = 'Ce contrat couvre des interventions de son client : il ne peut pas changer de client.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_contrats_client_change
    BEFORE UPDATE OF client_id ON contrats
    FOR EACH ROW WHEN (NEW.client_id IS DISTINCT FROM OLD.client_id)
    EXECUTE FUNCTION validate_contrat_client_change();

-- A machine covered by a contract keeps the contract's client as its owner.
CREATE OR REPLACE FUNCTION validate_equipement_owner_contrats() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM contrat_equipements ce JOIN contrats c ON c.id = ce.contrat_id
                WHERE ce.equipement_id = NEW.id AND c.client_id <> NEW.client_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'contrat_equipement_client',
            TABLE = 'equipements',
            MESSAGE = 'Cet équipement est couvert par un contrat de son client : il ne peut pas changer de propriétaire.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_equipements_owner_contrats
    BEFORE UPDATE OF client_id ON equipements
    FOR EACH ROW WHEN (NEW.client_id IS DISTINCT FROM OLD.client_id)
    EXECUTE FUNCTION validate_equipement_owner_contrats();
