-- drop: DROP FUNCTION IF EXISTS guard_intervention_role_columns() CASCADE;
-- Row-level security says which interventions a user may write; this says which columns, on
-- INSERT as on UPDATE.
--   client, INSERT: a request on one of its machines: title, description, type, urgency,
--           priority; it lands 'ouverte', unassigned, with nothing else filled in.
--   client, UPDATE: while the request is 'ouverte' may edit titre/description/urgence/priorite
--           and cancel it (ouverte -> annulee); once closed, may rate it (satisfaction_client),
--           once.
--   technicien, INSERT: a 'diagnostic' assigned to themselves, on a machine they are working
--           on (an open intervention of theirs), 'ouverte' or 'affectee'.
--   technicien, UPDATE: runs the job (en_cours / en_attente / cloturee, diagnosis, solution,
--           times, costs, notes) but may not move it to another machine, client, contract or
--           technician, change its deadline or priority, rate it, cancel or archive it.
--   admin / responsable, and system work without a user (CLI, seed): no restriction.
--   planifiee (version 3, revision 0016): derived from the planning, no user's column here;
--           intervention_planifiee refuses any value but the truth, whoever writes.
-- Fires before the status trigger (alphabetical order), so it sees the user's own changes.
CREATE OR REPLACE FUNCTION guard_intervention_role_columns() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_role user_role := app_current_role();
    v_new jsonb := to_jsonb(NEW);
    v_changed text[];
    v_allowed text[];
    v_refused text[];
BEGIN
    IF v_role IS NULL OR v_role IN ('admin', 'responsable') THEN
        RETURN NEW;
    END IF;

    IF TG_OP = 'INSERT' THEN
        -- The creation instant is the database's, whoever writes.
        NEW.date_creation := now();
        v_new := to_jsonb(NEW);
        IF v_role = 'client' THEN
            v_allowed := ARRAY['equipement_id', 'client_id', 'titre', 'description',
                               'type_intervention', 'urgence', 'priorite'];
            IF NEW.statut IS DISTINCT FROM 'ouverte' THEN
                v_refused := ARRAY['statut'];
            END IF;
        ELSE  -- technicien
            v_allowed := ARRAY['equipement_id', 'client_id', 'technicien_id', 'titre',
                               'description', 'type_intervention', 'urgence', 'priorite',
                               'diagnostic', 'notes_techniques', 'statut'];
            IF NEW.technicien_id IS DISTINCT FROM app_current_technicien_id()
               OR NEW.type_intervention IS DISTINCT FROM 'diagnostic'
               OR NEW.statut NOT IN ('ouverte', 'affectee')
               OR NOT EXISTS (
                   SELECT 1 FROM interventions i
                     JOIN intervention_techniciens it ON it.intervention_id = i.id
                    WHERE i.equipement_id = NEW.equipement_id
                      AND it.technicien_id = app_current_technicien_id()
                      AND i.statut IN ('affectee', 'en_cours', 'en_attente')) THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'insufficient_privilege',
                    CONSTRAINT = 'intervention_droits_role',
                    TABLE = 'interventions',
                    MESSAGE = 'Un technicien ne crée qu''un diagnostic à son nom, ouvert ou '
                              'affecté, sur une machine où il intervient déjà.';
            END IF;
        END IF;
        -- Every other column must be left empty (or at its default).
        SELECT COALESCE(v_refused, '{}') || COALESCE(array_agg(n.key), '{}') INTO v_refused
          FROM jsonb_each(v_new) AS n
         WHERE n.key <> ALL (v_allowed)
           AND n.key NOT IN ('id', 'statut', 'urgence', 'priorite', 'type_intervention',
                             'date_creation', 'created_at', 'updated_at', 'planifiee')
           AND n.value <> 'null'::jsonb;
    ELSE
        SELECT COALESCE(array_agg(n.key), '{}') INTO v_changed
          FROM jsonb_each(v_new) AS n
         WHERE n.key NOT IN ('updated_at', 'created_at', 'planifiee')
           AND n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;

        IF v_role = 'client' THEN
            v_allowed := '{}';
            IF OLD.statut = 'ouverte' THEN
                v_allowed := ARRAY['titre', 'description', 'urgence', 'priorite'];
                IF NEW.statut IN ('ouverte', 'annulee') THEN
                    v_allowed := v_allowed || ARRAY['statut'];
                END IF;
            END IF;
            IF OLD.statut IN ('cloturee', 'archivee') AND OLD.satisfaction_client IS NULL THEN
                v_allowed := v_allowed || ARRAY['satisfaction_client'];
            END IF;
        ELSE  -- technicien
            v_allowed := ARRAY['diagnostic', 'solution', 'notes_techniques', 'date_debut',
                               'date_fin', 'duree_reelle', 'cout_reel', 'type_intervention',
                               'description'];
            IF NEW.statut IN ('en_cours', 'en_attente', 'cloturee') THEN
                v_allowed := v_allowed || ARRAY['statut'];
            END IF;
        END IF;

        SELECT COALESCE(array_agg(c), '{}') INTO v_refused
          FROM unnest(v_changed) AS c WHERE c <> ALL (v_allowed);
    END IF;

    IF cardinality(v_refused) > 0 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            CONSTRAINT = 'intervention_droits_role',
            TABLE = 'interventions',
            MESSAGE = format('Votre profil (%s) ne permet pas de %s : %s.', v_role,
                             CASE TG_OP WHEN 'INSERT' THEN 'renseigner' ELSE 'modifier' END,
                             array_to_string(v_refused, ', '));
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER intervention_role_guard
    BEFORE INSERT OR UPDATE ON interventions
    FOR EACH ROW EXECUTE FUNCTION guard_intervention_role_columns();
