-- drop: DROP FUNCTION IF EXISTS guard_intervention_role_columns() CASCADE;
-- Row-level security says which interventions a user may write; this says which columns.
--   client: while the request is 'ouverte' may edit titre/description/urgence/priorite and
--           cancel it (ouverte -> annulee); once closed, may rate it (satisfaction_client).
--   technicien: runs the job (en_cours / en_attente / cloturee, diagnosis, solution, times,
--           costs, notes) but may not move it to another machine, client, contract or
--           technician, change its deadline or priority, rate it, cancel or archive it.
--   admin / responsable, and system work without a user (CLI, seed): no restriction.
-- Fires before the status trigger (alphabetical order), so it sees the user's own changes.
CREATE OR REPLACE FUNCTION guard_intervention_role_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_role user_role := app_current_role();
    v_changed text[];
    v_allowed text[];
    v_refused text[];
BEGIN
    IF v_role IS NULL OR v_role IN ('admin', 'responsable') THEN
        RETURN NEW;
    END IF;
    SELECT COALESCE(array_agg(n.key), '{}') INTO v_changed
      FROM jsonb_each(to_jsonb(NEW)) AS n
     WHERE n.key NOT IN ('updated_at', 'created_at')
       AND n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;

    IF v_role = 'client' THEN
        v_allowed := '{}';
        IF OLD.statut = 'ouverte' THEN
            v_allowed := ARRAY['titre', 'description', 'urgence', 'priorite'];
            IF NEW.statut IN ('ouverte', 'annulee') THEN
                v_allowed := v_allowed || ARRAY['statut'];
            END IF;
        END IF;
        IF OLD.statut IN ('cloturee', 'archivee') THEN
            v_allowed := v_allowed || ARRAY['satisfaction_client'];
        END IF;
    ELSE  -- technicien
        v_allowed := ARRAY['diagnostic', 'solution', 'notes_techniques', 'date_debut', 'date_fin',
                           'duree_reelle', 'cout_reel', 'type_intervention', 'description'];
        IF NEW.statut IN ('en_cours', 'en_attente', 'cloturee') THEN
            v_allowed := v_allowed || ARRAY['statut'];
        END IF;
    END IF;

    SELECT COALESCE(array_agg(c), '{}') INTO v_refused
      FROM unnest(v_changed) AS c WHERE c <> ALL (v_allowed);
    IF cardinality(v_refused) > 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            CONSTRAINT = 'intervention_droits_role',
            TABLE = 'interventions',
            MESSAGE = format('Votre profil (%s) ne permet pas de modifier : %s.',
                             v_role, array_to_string(v_refused, ', '));
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER intervention_role_guard
    BEFORE UPDATE ON interventions
    FOR EACH ROW EXECUTE FUNCTION guard_intervention_role_columns();
