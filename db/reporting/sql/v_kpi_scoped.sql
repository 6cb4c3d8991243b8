-- drop: DROP VIEW IF EXISTS v_technician_stats, v_client_equipment_summary;
-- Materialized views ignore row-level security, so the app role never reads them directly:
-- these views (owner's rights) return only what the current user may see.
CREATE VIEW v_technician_stats AS
SELECT * FROM mv_technician_stats
 WHERE (SELECT app_is_staff()) OR technician_id = (SELECT app_current_technicien_id());

CREATE VIEW v_client_equipment_summary AS
SELECT * FROM mv_client_equipment_summary
 WHERE (SELECT app_is_staff()) OR client_id = (SELECT app_current_client_id());
