-- drop: DROP FUNCTION IF EXISTS app_intervention_visible(integer), app_equipement_visible(integer) CASCADE;
-- Row-level security helpers for the tables hanging off an intervention or a machine.
-- SECURITY DEFINER so policies can look at interventions without recursing into their own RLS.
CREATE OR REPLACE FUNCTION app_intervention_visible(p_intervention_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT app_is_staff() OR EXISTS (
        SELECT 1 FROM interventions i
         WHERE i.id = p_intervention_id
           AND (i.client_id = app_current_client_id()
                OR i.technicien_id = app_current_technicien_id()
                OR EXISTS (SELECT 1 FROM intervention_techniciens it
                            WHERE it.intervention_id = i.id
                              AND it.technicien_id = app_current_technicien_id())))
$$;

CREATE OR REPLACE FUNCTION app_equipement_visible(p_equipement_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT app_is_staff() OR app_current_technicien_id() IS NOT NULL OR EXISTS (
        SELECT 1 FROM equipements e
         WHERE e.id = p_equipement_id AND e.client_id = app_current_client_id())
$$;
