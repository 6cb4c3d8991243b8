-- drop: DROP MATERIALIZED VIEW IF EXISTS mv_client_equipment_summary CASCADE;
-- Seed 004, plus a unique index so it can be refreshed CONCURRENTLY.
CREATE MATERIALIZED VIEW mv_client_equipment_summary AS
SELECT c.id AS client_id,
       c.nom_entreprise,
       COUNT(e.id) AS total_equipment,
       COUNT(CASE WHEN e.statut = 'operationnel' THEN 1 END) AS operational_equipment,
       COUNT(CASE WHEN e.statut = 'panne' THEN 1 END) AS failed_equipment,
       COUNT(CASE WHEN e.criticite = 'critique' THEN 1 END) AS critical_equipment
  FROM clients c
  LEFT JOIN equipements e ON c.id = e.client_id
 GROUP BY c.id, c.nom_entreprise;

CREATE UNIQUE INDEX uq_mv_client_equipment_summary ON mv_client_equipment_summary (client_id);
