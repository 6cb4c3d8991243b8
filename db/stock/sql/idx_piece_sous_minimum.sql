-- drop: DROP INDEX IF EXISTS idx_piece_sous_minimum;
-- Parts under their minimum (home page figure and list, db/reporting/service.py
-- _below_minimum), largest shortfall first: the index holds only those parts, in that order,
-- so neither the count nor the list reads the whole catalogue. The predicate is written as the
-- service's condition, word for word, so the planner can match it.
CREATE INDEX idx_piece_sous_minimum
    ON pieces_detachees ((stock_minimum - stock_actuel) DESC, reference)
    WHERE active IS TRUE AND stock_actuel < stock_minimum;
