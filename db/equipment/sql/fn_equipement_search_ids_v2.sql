-- drop: DROP FUNCTION IF EXISTS equipement_search_ids(text);
-- The machines whose searchable text (idx_equipement_search_trgm) or client company name
-- (idx_client_nom_trgm) matches an ILIKE pattern, as an array: the registry computes it once
-- per word and list (db/equipment/service, search_ids) and passes it to the page's query and
-- its count.
--
-- Why a function: under row-level security PostgreSQL only uses an index for a condition made
-- of leakproof functions, and ILIKE is not leakproof, so through the app's roles the trigram
-- indexes were never used (a sequential scan of every machine per search). Run as the owner,
-- the look-up uses them. It answers no more than the caller may read (the select row of
-- equipements in db/access/matrix.csv: all machines for staff and technicians, its own for a
-- client, nothing for anyone else), and the caller's query still applies its own policies.
--
-- v2: a client's search reads its own machines through idx_equipement_client_statut (a few rows)
-- instead of filtering every machine matching the pattern in the whole registry (29 ms for
-- "pompe" at 200,000 machines, for a client with 6 machines).
CREATE OR REPLACE FUNCTION equipement_search_ids(p_pattern text) RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_role user_role := app_current_role();
    v_client integer;
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
        SELECT COALESCE(array_agg(e.id ORDER BY e.id), '{}') INTO v_ids
          FROM equipements e JOIN clients c ON c.id = e.client_id
         WHERE e.client_id = v_client
           AND ((e.nom || ' ' || coalesce(e.modele, '') || ' ' || coalesce(e.fabricant, '')
                 || ' ' || e.numero_serie || ' ' || coalesce(e.localisation, '')) ILIKE p_pattern
                OR c.nom_entreprise ILIKE p_pattern);
        RETURN v_ids;
    ELSIF v_role NOT IN ('admin', 'responsable', 'technicien') THEN
        RETURN '{}';
    END IF;
    SELECT COALESCE(array_agg(DISTINCT id), '{}') INTO v_ids FROM (
        SELECT e.id FROM equipements e
         WHERE (e.nom || ' ' || coalesce(e.modele, '') || ' ' || coalesce(e.fabricant, '') || ' '
                || e.numero_serie || ' ' || coalesce(e.localisation, '')) ILIKE p_pattern
        UNION ALL
        SELECT e.id FROM clients c JOIN equipements e ON e.client_id = c.id
         WHERE c.nom_entreprise ILIKE p_pattern
    ) found;
    RETURN v_ids;
END
$$;
