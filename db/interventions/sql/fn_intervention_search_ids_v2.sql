-- drop: DROP FUNCTION IF EXISTS intervention_search_ids(text, integer);
-- intervention_search_ids v2 (revision 0012): the same answer for a rare word, bounded for a
-- common one. v1 put its LIMIT after a DISTINCT over the three look-ups, so a word found in
-- 100,000 titles and 20,000 machines ("pompe" at 1,000,000 interventions) read every match
-- before keeping 5,000 (2.3 s). Each look-up now stops at the limit itself (a trigram bitmap
-- then reads only the heap pages it needs), and the DISTINCT runs over at most three times the
-- limit. A client's search starts from its own interventions (client_id), not from the
-- pattern.
--
-- The interventions whose title or description (idx_intervention_titre_trgm), machine
-- (idx_equipement_search_trgm: name, model, maker, serial, location) or client company name
-- (idx_client_nom_trgm) match an ILIKE pattern, as an array computed once per statement: the
-- list's search is "id = ANY ((SELECT intervention_search_ids(:pattern)))" per word.
--
-- Why a function: under row-level security ILIKE (not leakproof) gets no index (see
-- equipement_search_ids). It answers no more than the caller may read (the select row of
-- interventions in db/access/matrix.csv: all for staff and technicians, its own company's for
-- a client), and the caller's query applies its own policies again. Bounded: at most
-- p_limit ids (a word found in half the table is no search; the list says "affinez").
CREATE OR REPLACE FUNCTION intervention_search_ids(p_pattern text, p_limit integer DEFAULT 5000)
RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_role user_role := app_current_role();
    v_client integer := NULL;
    v_ids integer[];
    v_lim integer := greatest(1, least(coalesce(p_limit, 5000), 50000));
BEGIN
    IF v_role IS NULL OR p_pattern IS NULL THEN
        RETURN '{}';
    END IF;
    IF v_role = 'client' THEN
        v_client := app_current_client_id();
        IF v_client IS NULL THEN
            RETURN '{}';
        END IF;
    ELSIF v_role NOT IN ('admin', 'responsable', 'technicien') THEN
        RETURN '{}';
    END IF;
    IF v_client IS NOT NULL THEN
        -- A client's own interventions and machines first (a few hundred rows by client_id),
        -- then the pattern: a trigram bitmap of the whole table would read every match of
        -- every company (1.1 s for "pompe" for a client of 62 interventions).
        SELECT COALESCE(array_agg(id), '{}') INTO v_ids FROM (
            SELECT DISTINCT id FROM (
                SELECT i.id FROM interventions i
                  JOIN equipements e ON e.id = i.equipement_id
                  JOIN clients c ON c.id = i.client_id
                 WHERE i.client_id = v_client
                   AND ((i.titre || ' ' || coalesce(i.description, '')) ILIKE p_pattern
                        OR (e.nom || ' ' || coalesce(e.modele, '') || ' '
                            || coalesce(e.fabricant, '') || ' ' || e.numero_serie || ' '
                            || coalesce(e.localisation, '')) ILIKE p_pattern
                        OR c.nom_entreprise ILIKE p_pattern)
            ) found
            LIMIT v_lim
        ) bounded;
        RETURN v_ids;
    END IF;
    SELECT COALESCE(array_agg(id), '{}') INTO v_ids FROM (
        SELECT DISTINCT id FROM (
            (SELECT i.id FROM interventions i
              WHERE (i.titre || ' ' || coalesce(i.description, '')) ILIKE p_pattern
              LIMIT v_lim)
            UNION ALL
            (SELECT i.id FROM equipements e JOIN interventions i ON i.equipement_id = e.id
              WHERE (e.nom || ' ' || coalesce(e.modele, '') || ' ' || coalesce(e.fabricant, '')
                     || ' ' || e.numero_serie || ' ' || coalesce(e.localisation, ''))
                    ILIKE p_pattern
              LIMIT v_lim)
            UNION ALL
            (SELECT i.id FROM clients c JOIN interventions i ON i.client_id = c.id
              WHERE c.nom_entreprise ILIKE p_pattern
              LIMIT v_lim)
        ) found
        LIMIT v_lim
    ) bounded;
    RETURN v_ids;
END
$$;
