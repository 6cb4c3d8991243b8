-- drop: DROP MATERIALIZED VIEW IF EXISTS mv_technician_stats CASCADE;
-- Seed 004, plus a unique index so it can be refreshed CONCURRENTLY.
CREATE MATERIALIZED VIEW mv_technician_stats AS
SELECT t.id AS technician_id,
       t.user_id,
       u.username,
       COUNT(i.id) AS total_interventions,
       COUNT(CASE WHEN i.statut = 'cloturee' THEN 1 END) AS completed_interventions,
       AVG(CASE WHEN i.duree_reelle IS NOT NULL THEN i.duree_reelle END) AS avg_duration,
       AVG(CASE WHEN i.satisfaction_client IS NOT NULL THEN i.satisfaction_client END) AS avg_satisfaction
  FROM techniciens t
  JOIN users u ON t.user_id = u.id
  LEFT JOIN interventions i ON t.id = i.technicien_id
 GROUP BY t.id, t.user_id, u.username;

CREATE UNIQUE INDEX uq_mv_technician_stats ON mv_technician_stats (technician_id);
