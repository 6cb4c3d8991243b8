-- drop: REVOKE ALL ON ALL TABLES IN SCHEMA public FROM mif_app; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM mif_app; REVOKE ALL ON SCHEMA public FROM mif_app;
-- What the application role may do (row-level security narrows it further per user).
GRANT USAGE ON SCHEMA public TO mif_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mif_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mif_app;
-- Interventions are cancelled or archived, never deleted; the audit trail is written by a
-- trigger only and never changed; the stock ledger is append-only.
REVOKE DELETE ON interventions FROM mif_app;
REVOKE INSERT, UPDATE, DELETE ON historiques_interventions FROM mif_app;
REVOKE UPDATE, DELETE ON mouvements_stock FROM mif_app;
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM mif_app;
-- Materialized views ignore row-level security: the app reads them through v_* views only.
REVOKE ALL ON mv_technician_stats, mv_client_equipment_summary FROM mif_app;
