-- drop: DROP FUNCTION IF EXISTS technicien_disponibilite_effective(integer, timestamptz) CASCADE;
-- The availability to show for a technician at a moment (now by default): the reason of an
-- absence covering that moment (conge, formation, indisponible: values of the same enum),
-- otherwise the stored techniciens.disponibilite. Read as the caller (row-level security
-- applies): used by the planning page and the dispatch ranking, which managers see whole.
-- One index probe (idx_absences_technicien_debut: absences last at most a year).
CREATE OR REPLACE FUNCTION technicien_disponibilite_effective(
    p_technicien_id integer, p_at timestamptz DEFAULT now()
) RETURNS disponibilite_technicien
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT COALESCE(
        (SELECT a.motif::text::disponibilite_technicien
           FROM absences a
          WHERE a.technicien_id = p_technicien_id
            AND a.date_debut <= p_at AND a.date_fin > p_at
            AND a.date_debut > p_at - interval '366 days'
          ORDER BY a.date_debut DESC
          LIMIT 1),
        (SELECT t.disponibilite FROM techniciens t WHERE t.id = p_technicien_id))
$$;
REVOKE ALL ON FUNCTION technicien_disponibilite_effective(integer, timestamptz) FROM PUBLIC;
