-- drop: DROP INDEX IF EXISTS idx_open_interventions_deadline; DROP INDEX IF EXISTS idx_open_interventions; CREATE INDEX idx_open_interventions ON interventions (priorite, date_creation) WHERE statut IN ('ouverte', 'affectee', 'en_cours');
-- "Open" is the product's definition (db/reporting/service.py OPEN_STATUSES): ouverte,
-- affectee, en_cours and en_attente. The first schema's partial index left en_attente out, so
-- no query asking for the open interventions could use it.
DROP INDEX IF EXISTS idx_open_interventions;
CREATE INDEX idx_open_interventions ON interventions (priorite, date_creation)
    WHERE statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente');
-- The managers' home: open interventions by deadline (the list's order) and the late ones
-- (date_limite < now) are a short range of this small index, never a scan of the history.
CREATE INDEX idx_open_interventions_deadline ON interventions (date_limite, date_creation, id)
    WHERE statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente');
