-- drop: DROP INDEX IF EXISTS idx_equipement_search_trgm; DROP INDEX IF EXISTS idx_client_nom_trgm; DROP INDEX IF EXISTS idx_equipement_nom; DROP INDEX IF EXISTS idx_equipement_statut;
-- The registry's search: every word typed must appear in the machine's name, model,
-- manufacturer, serial number or location, or in its client's company name. One trigram index
-- on the machine's searchable text (the same expression as SEARCH_TEXT in
-- db/equipment/service.py, word for word: the planner only uses an expression index for an
-- identical expression) and one on the company name. The words never contain a space, so a
-- match never straddles two fields.
CREATE INDEX idx_equipement_search_trgm ON equipements USING gin (
    (nom || ' ' || coalesce(modele, '') || ' ' || coalesce(fabricant, '') || ' '
     || numero_serie || ' ' || coalesce(localisation, '')) gin_trgm_ops
);
CREATE INDEX idx_client_nom_trgm ON clients USING gin (nom_entreprise gin_trgm_ops);
-- The list's default order (name, then id): the first pages and the deep ones walk this index
-- instead of sorting every machine (the sort spilled to disk at 108k machines).
CREATE INDEX idx_equipement_nom ON equipements (nom, id);
-- "Équipements en panne" on the home page, for every client at once.
CREATE INDEX idx_equipement_statut ON equipements (statut);
