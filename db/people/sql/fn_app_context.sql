-- drop: DROP FUNCTION IF EXISTS app_current_user_id(), app_active_user_id(), app_current_role(), app_is_staff(), app_current_client_id(), app_current_technicien_id() CASCADE;
-- Who is acting, from the transaction-local settings set by the data layer. Only the user id is
-- trusted: role, client and technician are looked up (SECURITY DEFINER, so the look-up itself is
-- not filtered by row-level security). An inactive user resolves to nothing: policies use
-- app_active_user_id(), never the raw setting (the audit trail records the raw setting).
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.current_user_id', true), '')::integer
$$;

CREATE OR REPLACE FUNCTION app_active_user_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM users WHERE id = app_current_user_id() AND is_active
$$;

CREATE OR REPLACE FUNCTION app_current_role() RETURNS user_role
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT role FROM users WHERE id = app_current_user_id() AND is_active
$$;

CREATE OR REPLACE FUNCTION app_is_staff() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(app_current_role() IN ('admin', 'responsable'), false)
$$;

CREATE OR REPLACE FUNCTION app_current_client_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT c.id FROM clients c JOIN users u ON u.id = c.user_id
    WHERE u.id = app_current_user_id() AND u.is_active AND u.role = 'client'
$$;

CREATE OR REPLACE FUNCTION app_current_technicien_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.id FROM techniciens t JOIN users u ON u.id = t.user_id
    WHERE u.id = app_current_user_id() AND u.is_active AND u.role = 'technicien'
$$;
