-- drop: DROP INDEX IF EXISTS idx_intervention_open_date_id;
-- The list filtered on "en retard" (date_limite past, status open), in its default order
-- (date_creation DESC, id DESC): the open interventions only, with their deadline, so the
-- page and its capped count walk the ~10 % still open instead of the whole history (under
-- row-level security the status test, an enum equality, is never an index condition; a
-- partial index's predicate is matched all the same).
CREATE INDEX idx_intervention_open_date_id
    ON interventions (date_creation DESC NULLS LAST, id DESC NULLS LAST) INCLUDE (date_limite)
    WHERE statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente');
