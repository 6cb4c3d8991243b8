-- drop: DROP FUNCTION IF EXISTS equipement_search_ids(text);
-- The machines whose searchable text (texte_recherche, idx_equipement_texte_recherche_trgm) or
-- client company name (idx_client_nom_trgm) matches an ILIKE pattern, as an array: the registry
-- computes it once per word inside its page's statement (db/equipment/service/list.py).
--
-- Why a function: under row-level security PostgreSQL only uses an index for a condition made
-- of leakproof functions, and ILIKE is not leakproof, so through the app's roles the trigram
-- indexes were never used (a sequential scan of every machine per search). Run as the owner,
-- the look-up uses them. It answers no more than the caller may read (the select row of
-- equipements in db/access/matrix.csv: all machines for staff and technicians, its own for a
-- client, nothing for anyone else), and the caller's query still applies its own policies.
--
-- v2: a client's search reads its own machines through idx_equipement_client_statut (a few rows)
-- instead of filtering every machine matching the pattern in the whole registry.
--
-- v3: the ids come in the registry's default order, (nom, id), and the machines' text is matched
-- on its stored lower-cased copy (texte_recherche, col_equipement_texte_recherche.sql) with a
-- LIKE on the lower-cased pattern (what ILIKE does, without recomputing the text per row). The
-- look-up reads every matching row anyway (the trigram index is lossy: each candidate is
-- rechecked on the heap), so the name is at hand; ordered here, the list's default page of a
-- frequent word ("pompe": ~20,000 of 200,000 machines) is a slice of the array (its 25 rows
-- fetched by key) and the total is the array's length, instead of fetching and sorting the
-- 20,000 rows a second time by key. The machines of clients whose name matches join the same
-- scan (a BitmapOr with idx_equipement_client_statut), so no duplicate is to be removed.
CREATE OR REPLACE FUNCTION equipement_search_ids(p_pattern text) RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_role user_role := app_current_role();
    v_pattern text := lower(p_pattern);
    v_client integer;
    v_clients integer[];
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
        SELECT COALESCE(array_agg(e.id ORDER BY e.nom, e.id), '{}') INTO v_ids
          FROM equipements e JOIN clients c ON c.id = e.client_id
         WHERE e.client_id = v_client
           AND (e.texte_recherche LIKE v_pattern OR c.nom_entreprise ILIKE p_pattern);
        RETURN v_ids;
    ELSIF v_role NOT IN ('admin', 'responsable', 'technicien') THEN
        RETURN '{}';
    END IF;
    SELECT array_agg(c.id) INTO v_clients FROM clients c WHERE c.nom_entreprise ILIKE p_pattern;
    IF v_clients IS NULL THEN
        SELECT COALESCE(array_agg(e.id ORDER BY e.nom, e.id), '{}') INTO v_ids
          FROM equipements e
         WHERE e.texte_recherche LIKE v_pattern;
    ELSE
        SELECT COALESCE(array_agg(e.id ORDER BY e.nom, e.id), '{}') INTO v_ids
          FROM equipements e
         WHERE e.texte_recherche LIKE v_pattern OR e.client_id = ANY (v_clients);
    END IF;
    RETURN v_ids;
END
$$;
