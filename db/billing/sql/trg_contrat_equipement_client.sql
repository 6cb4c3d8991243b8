-- drop: DROP FUNCTION IF EXISTS validate_contrat_equipement() CASCADE;
-- A contract covers only machines of its own client.
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
