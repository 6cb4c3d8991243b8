-- drop: DROP VIEW IF EXISTS v_historique_maintenance;
-- Seed 000's MaintenanceHistory, as a view over closed interventions (no duplicated table).
-- security_invoker: the reader's row-level security applies.
CREATE VIEW v_historique_maintenance WITH (security_invoker = true) AS
SELECT i.id              AS intervention_id,
       i.equipement_id,
       i.client_id,
       i.date_fin::date  AS date_maintenance,
       i.date_fin,
       i.type_intervention,
       i.titre           AS description,
       i.solution,
       i.duree_reelle,
       i.cout_reel,
       u.full_name       AS technicien
  FROM interventions i
  LEFT JOIN techniciens t ON t.id = i.technicien_id
  LEFT JOIN users u ON u.id = t.user_id
 WHERE i.statut IN ('cloturee', 'archivee') AND i.date_fin IS NOT NULL;
