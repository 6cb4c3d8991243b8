-- drop: DROP INDEX IF EXISTS idx_intervention_technicien_open;
-- Dispatch ranking (db/interventions/service/dispatch.py): each technician's open load and
-- planned work at the intervention's date, from their open interventions only, instead of
-- every intervention they ever had (idx_intervention_technicien_statut, whose enum status is
-- never an index condition under row-level security).
CREATE INDEX idx_intervention_technicien_open
    ON interventions (technicien_id, date_planifiee) INCLUDE (duree_estimee)
    WHERE statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente');
