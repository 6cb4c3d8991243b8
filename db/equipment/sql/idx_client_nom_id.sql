-- drop: DROP INDEX IF EXISTS idx_client_nom_id;
-- The registry's client picker (client_choices): the first 50 companies by name, then id.
-- Under row-level security the planner takes the role's policy for a filter of unknown
-- selectivity and, with idx_client_nom_entreprise (name only) leaving the id to sort, read and
-- sorted every client on each registry page (9 ms at 25,800 clients); on (name, id) the first
-- 50 are an index-only range (0.05 ms).
CREATE INDEX idx_client_nom_id ON clients (nom_entreprise, id);
