-- drop: DROP INDEX IF EXISTS idx_equipement_prochaine_maintenance;
-- Machines due for maintenance soon, as an index range (preventive generation), whatever the
-- size of the registry; retired machines are never due.
CREATE INDEX idx_equipement_prochaine_maintenance ON equipements (prochaine_maintenance)
    WHERE statut <> 'retire' AND prochaine_maintenance IS NOT NULL;
