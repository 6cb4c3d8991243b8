-- drop: DROP FUNCTION IF EXISTS log_intervention_changes() CASCADE;
-- Version 3 (revision 0016): the derived flag ``planifiee`` (kept by the planning trigger,
-- not a user's change) is never part of the trail: left out of the creation row and of the
-- changed columns, so the planning trigger's update of it alone writes no row.
-- Version 2 (revision 0009): a status change's description carries the reason given by the
-- user (a pause's motif), passed by the service in the transaction-local setting
-- app.motif_statut (db/interventions/service/write.py); the rest is unchanged.
-- Audit trail (seed 004, corrected): the action comes from the seed's enum, not TG_OP:
-- creation; affectation when the technician changes; changement_statut when the status changes;
-- else modification. Only changed columns are kept in old/new JSON; an update that changes
-- nothing but updated_at is not logged. User, IP and user agent come from the transaction
-- settings set by the data layer.
CREATE OR REPLACE FUNCTION log_intervention_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_action action_historique;
    v_desc text;
    v_old jsonb;
    v_new jsonb;
    v_row_old jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_action := 'creation';
        v_desc := 'Création de l''intervention';
        v_new := to_jsonb(NEW) - 'created_at' - 'updated_at' - 'planifiee';
    ELSE
        v_row_old := to_jsonb(OLD);
        SELECT jsonb_object_agg(n.key, n.value) INTO v_new
          FROM jsonb_each(to_jsonb(NEW)) AS n
         WHERE n.key NOT IN ('updated_at', 'created_at', 'planifiee')
           AND n.value IS DISTINCT FROM v_row_old -> n.key;
        IF v_new IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT jsonb_object_agg(o.key, o.value) INTO v_old
          FROM jsonb_each(v_row_old) AS o
         WHERE v_new ? o.key;
        IF NEW.technicien_id IS DISTINCT FROM OLD.technicien_id THEN
            v_action := 'affectation';
            v_desc := 'Affectation du technicien principal';
        ELSIF NEW.statut IS DISTINCT FROM OLD.statut THEN
            v_action := 'changement_statut';
            v_desc := format('Statut : %s → %s', OLD.statut, NEW.statut);
            IF NULLIF(current_setting('app.motif_statut', true), '') IS NOT NULL THEN
                v_desc := v_desc || ' — motif : ' || current_setting('app.motif_statut', true);
            END IF;
        ELSE
            v_action := 'modification';
            v_desc := 'Modification de l''intervention';
        END IF;
    END IF;

    INSERT INTO historiques_interventions (
        intervention_id, user_id, action, description,
        ancienne_valeur, nouvelle_valeur, horodatage, adresse_ip, user_agent)
    VALUES (
        NEW.id, app_current_user_id(), v_action, v_desc, v_old, v_new, now(),
        NULLIF(current_setting('app.client_ip', true), '')::inet,
        NULLIF(current_setting('app.user_agent', true), ''));
    RETURN NULL;
END;
$$;

CREATE TRIGGER intervention_audit_trigger
    AFTER INSERT OR UPDATE ON interventions
    FOR EACH ROW EXECUTE FUNCTION log_intervention_changes();
