-- drop: DROP FUNCTION IF EXISTS intervention_search_ids(text, integer);
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
    SELECT COALESCE(array_agg(id), '{}') INTO v_ids FROM (
        SELECT DISTINCT id FROM (
            SELECT i.id FROM interventions i
             WHERE (i.titre || ' ' || coalesce(i.description, '')) ILIKE p_pattern
               AND (v_client IS NULL OR i.client_id = v_client)
            UNION ALL
            SELECT i.id FROM equipements e JOIN interventions i ON i.equipement_id = e.id
             WHERE (e.nom || ' ' || coalesce(e.modele, '') || ' ' || coalesce(e.fabricant, '')
                    || ' ' || e.numero_serie || ' ' || coalesce(e.localisation, '')) ILIKE p_pattern
               AND (v_client IS NULL OR e.client_id = v_client)
            UNION ALL
            SELECT i.id FROM clients c JOIN interventions i ON i.client_id = c.id
             WHERE c.nom_entreprise ILIKE p_pattern
               AND (v_client IS NULL OR c.id = v_client)
        ) found
        LIMIT greatest(1, least(coalesce(p_limit, 5000), 50000))
    ) bounded;
    RETURN v_ids;
END
$$;
