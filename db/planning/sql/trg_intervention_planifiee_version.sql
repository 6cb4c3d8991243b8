-- drop: DROP FUNCTION IF EXISTS intervention_planifiee_keeps_version() CASCADE;
-- The planned flag is the database's bookkeeping, not an edit of the intervention: when the
-- flag alone changes (a slot deleted, or moved to another intervention), updated_at keeps its
-- value. updated_at is the version the forms check (db/interventions/service/write.py,
-- _check_version): without this, a user editing the intervention while a manager deletes its
-- slot would be told "modifiée par quelqu'un d'autre" for a change they cannot see.
-- BEFORE triggers run in name order: this one comes after trg_interventions_updated_at (which
-- stamps now()) and puts the old value back. It only fires when the flag changes.
CREATE OR REPLACE FUNCTION intervention_planifiee_keeps_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF (to_jsonb(NEW) - 'planifiee' - 'updated_at') = (to_jsonb(OLD) - 'planifiee' - 'updated_at')
    THEN
        NEW.updated_at := OLD.updated_at;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_interventions_version_planifiee
    BEFORE UPDATE OF planifiee ON interventions
    FOR EACH ROW WHEN (OLD.planifiee IS DISTINCT FROM NEW.planifiee)
    EXECUTE FUNCTION intervention_planifiee_keeps_version();
