-- drop: DROP INDEX IF EXISTS idx_intervention_unplanned_ouverte;
-- The planning page's unplanned list (db/planning/service/slots.py unplanned_interventions):
-- 'ouverte' interventions without a slot, most urgent first, as one LIMITed range. One index per
-- status, as the board's (revision 0012): under row-level security the enum equality is not
-- leakproof, so only a partial index's predicate (implied by the query's WHERE) makes the
-- status an index range. Few rows: planned work leaves the index.
CREATE INDEX idx_intervention_unplanned_ouverte
    ON interventions (priorite, date_limite, id) WHERE statut = 'ouverte' AND NOT planifiee;
