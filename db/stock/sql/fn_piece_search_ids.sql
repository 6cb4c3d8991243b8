-- drop: DROP FUNCTION IF EXISTS piece_search_ids(text, integer);
-- The active parts whose reference or name matches an ILIKE pattern (idx_piece_search_trgm),
-- first by reference, at most p_limit (capped at 2000), as an array computed once per
-- statement: the parts picker of an intervention is "id = ANY ((SELECT piece_search_ids(...)))"
-- per word typed.
--
-- Why a function: under row-level security PostgreSQL only uses an index for a condition made
-- of leakproof functions, and ILIKE is not leakproof, so through the app's roles the trigram
-- index would never be used. Run as the owner, the look-up uses it. It answers ids only, and
-- only to the roles that may read the catalogue (db/access/matrix.csv: every role); the
-- caller's query still applies its own policies and column grants.
CREATE OR REPLACE FUNCTION piece_search_ids(p_pattern text, p_limit integer) RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_ids integer[];
BEGIN
    IF app_current_role() IS NULL OR p_pattern IS NULL THEN
        RETURN '{}';
    END IF;
    SELECT COALESCE(array_agg(id ORDER BY reference), '{}') INTO v_ids FROM (
        SELECT p.id, p.reference FROM pieces_detachees p
         WHERE (p.reference || ' ' || p.nom) ILIKE p_pattern AND p.active
         ORDER BY p.reference
         LIMIT least(greatest(COALESCE(p_limit, 50), 1), 2000)
    ) found;
    RETURN v_ids;
END
$$;
