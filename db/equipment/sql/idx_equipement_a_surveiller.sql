-- drop: DROP INDEX IF EXISTS idx_equipement_a_surveiller;
-- The machines that are not in service (en panne, en maintenance, retirées: ~17 % of the
-- registry), in the list's default order, carrying the status and criticality the filters test.
--
-- Why: under row-level security an enum equality is not leakproof, so the registry's status
-- and criticality filters are never an index condition (revision 0012 met the same on the
-- interventions); a filter on the rarer statuses walked the name index or the whole table,
-- and its count read ~27,000 rows to find 1,000 at 200,000 machines. A partial index is still
-- chosen (the planner proves its predicate from the filter: statut IN ('panne',
-- 'maintenance') implies statut <> 'operationnel'): the page walks it in name order and the
-- count is an index-only scan of it (2 ms instead of 20-150 ms).
CREATE INDEX idx_equipement_a_surveiller ON equipements (nom, id) INCLUDE (statut, criticite)
    WHERE statut <> 'operationnel';
