-- drop: DROP FUNCTION IF EXISTS refresh_materialized_views() CASCADE;
-- Seed 004's refresh, done CONCURRENTLY so readers are never blocked. SECURITY DEFINER: only
-- the owner may refresh, and the admin page calls this through the app role.
CREATE OR REPLACE FUNCTION refresh_materialized_views() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY mv_technician_stats;
    REFRESH MATERIALIZED VIEW CONCURRENTLY mv_client_equipment_summary;
END;
$$;
