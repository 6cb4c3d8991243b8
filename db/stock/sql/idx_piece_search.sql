-- drop: DROP INDEX IF EXISTS idx_piece_search_trgm;
-- The parts picker's search: each word typed must appear in the reference or the name. The
-- expression is the one of piece_search_ids(), word for word (the planner only uses an
-- expression index for an identical expression).
CREATE INDEX idx_piece_search_trgm ON pieces_detachees USING gin (
    (reference || ' ' || nom) gin_trgm_ops
);
