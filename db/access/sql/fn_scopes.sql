-- drop: DROP FUNCTION IF EXISTS app_session_role(), app_client_equipement_ids(), app_client_intervention_ids(), app_assigned_intervention_ids(), app_visible_conversation_ids() CASCADE;
-- Row scopes as arrays computed once per statement. A policy written
-- "col = ANY ((SELECT app_x_ids()))" runs the function once (an InitPlan) and then compares an
-- indexed column with a constant array: an index scan, never a function call per row, never an
-- OR that forces a sequential scan (measured: 145,831 calls and 5 s for a page of 0 rows).

-- The database role a transaction switches to: mif_<role> of the active acting user, or the
-- login role itself (which may only log in) when nobody is acting.
CREATE OR REPLACE FUNCTION app_session_role() RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT COALESCE('mif_' || app_current_role()::text, 'mif_app')
$$;

-- A client's machines (the documents and tasks of its interventions carry the machine too).
CREATE OR REPLACE FUNCTION app_client_equipement_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(array_agg(id), '{}') FROM equipements WHERE client_id = app_current_client_id()
$$;

CREATE OR REPLACE FUNCTION app_client_intervention_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(array_agg(id), '{}') FROM interventions WHERE client_id = app_current_client_id()
$$;

-- A technician's interventions, principal or assistant: the principal always has its
-- intervention_techniciens row (trg_interventions_principal_sync), so one index look-up.
CREATE OR REPLACE FUNCTION app_assigned_intervention_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(array_agg(intervention_id), '{}')
      FROM intervention_techniciens WHERE technicien_id = app_current_technicien_id()
$$;

-- Conversations a technician or client may read: those they take part in, and the threads of
-- the interventions they may follow (assigned ones for a technician, their company's for a
-- client).
CREATE OR REPLACE FUNCTION app_visible_conversation_ids() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(array_agg(DISTINCT id), '{}') FROM (
        SELECT conversation_id AS id FROM conversation_participants
         WHERE user_id = app_active_user_id()
        UNION ALL
        SELECT c.id FROM conversations c
         WHERE c.intervention_id = ANY (
             CASE app_current_role()
                 WHEN 'technicien' THEN app_assigned_intervention_ids()
                 WHEN 'client' THEN app_client_intervention_ids()
                 ELSE '{}'::integer[]
             END)
    ) AS visible
$$;
