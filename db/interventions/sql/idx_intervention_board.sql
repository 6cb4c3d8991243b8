-- drop: DROP INDEX IF EXISTS idx_intervention_board; DROP INDEX IF EXISTS idx_intervention_client_board; DROP INDEX IF EXISTS idx_intervention_date_id; DROP INDEX IF EXISTS idx_intervention_client_date_id; DROP INDEX IF EXISTS idx_intervention_equipement_date_id; DROP INDEX IF EXISTS idx_intervention_technicien_date_id; DROP INDEX IF EXISTS idx_intervention_titre_trgm; DROP INDEX IF EXISTS idx_tache_intervention_ordre; DROP INDEX IF EXISTS idx_intervention_techniciens_technicien_intervention;
-- The interventions board and list (issue 9), bounded at any size:
-- * a board column is one status, its cards by priority (the enum's order: urgente first)
--   then deadline (NULLs last) then id, LIMIT n: one range of idx_intervention_board; a
--   client's board (row scope client_id = X) walks idx_intervention_client_board instead;
-- * the list's default order (date_creation DESC, id DESC) walks idx_intervention_date_id,
--   and the same order inside one client, machine or principal technician walks the
--   per-column indexes (the seed's (x, date_creation) indexes leave the id tie to a sort);
-- * an assistant's interventions: intervention_techniciens by technician, then the id;
-- * the search on the title through a trigram index (intervention_search_ids);
-- * a checklist in its order.
CREATE INDEX idx_intervention_board ON interventions (statut, priorite, date_limite, id);
CREATE INDEX idx_intervention_client_board
    ON interventions (client_id, statut, priorite, date_limite, id);
-- Declared DESC NULLS LAST: the list's keys are always sorted NULLs last (db.query), and a
-- backward scan of an ascending index would give DESC NULLS FIRST, which the planner does not
-- match with the list's order (it does not use NOT NULL for that).
CREATE INDEX idx_intervention_date_id
    ON interventions (date_creation DESC NULLS LAST, id DESC NULLS LAST);
CREATE INDEX idx_intervention_client_date_id
    ON interventions (client_id, date_creation DESC NULLS LAST, id DESC NULLS LAST);
CREATE INDEX idx_intervention_equipement_date_id
    ON interventions (equipement_id, date_creation DESC NULLS LAST, id DESC NULLS LAST);
CREATE INDEX idx_intervention_technicien_date_id
    ON interventions (technicien_id, date_creation DESC NULLS LAST, id DESC NULLS LAST);
CREATE INDEX idx_intervention_techniciens_technicien_intervention
    ON intervention_techniciens (technicien_id, intervention_id);
CREATE INDEX idx_intervention_titre_trgm ON interventions USING gin (
    (titre || ' ' || coalesce(description, '')) gin_trgm_ops
);
CREATE INDEX idx_tache_intervention_ordre ON taches (intervention_id, ordre);
