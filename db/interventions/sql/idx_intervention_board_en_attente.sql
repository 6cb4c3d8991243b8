-- drop: DROP INDEX IF EXISTS idx_intervention_board_en_attente;
-- The board's column "en_attente" (db/interventions/service/list.py board_column): its cards by
-- priority, deadline then id, and its capped count, read from this partial index alone.
-- Why one index per status rather than idx_intervention_board (statut, priorite, ...): under
-- row-level security a query's condition is an index condition only when its operator is
-- leakproof, and the enum's equality (enum_eq) is not, so ``statut = 'en_attente'`` stayed a filter
-- and the admin's or technician's column sorted the whole table (4.4 s for the 467,000
-- closed interventions at 1,000,000). A partial index's predicate is matched whatever the
-- policies: the column is an ordered range of it.
CREATE INDEX idx_intervention_board_en_attente
    ON interventions (priorite, date_limite, id) WHERE statut = 'en_attente';
