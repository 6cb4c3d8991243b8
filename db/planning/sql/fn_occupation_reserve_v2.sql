-- drop: DROP FUNCTION IF EXISTS occupation_reserve(integer, tstzrange, integer, integer, integer) CASCADE;
-- occupation_reserve v2 (revision 0015): bookings of one technician are serialised by a
-- transaction-scoped advisory lock before the insert. Two transactions inserting overlapping
-- periods for the same technician at the same moment each found the other's uncommitted row
-- while checking the exclusion constraint and waited for each other: PostgreSQL then aborted
-- one with "deadlock detected" instead of the French refusal. With the lock the second waits
-- for the first to finish, then its insert meets the committed row: a plain exclusion
-- violation, answered below with what the technician is already doing.
--
-- Books one period of a technician in planning_occupations (for a slot or an absence). When
-- the exclusion constraint refuses it, the refusal is raised again in French with what the
-- technician is already doing: the other intervention (number and title) or the absence.
-- Under a race the constraint makes the second transaction wait for the first; once that one
-- has committed, this handler's query (a new snapshot: READ COMMITTED, volatile function)
-- sees the winning row and names it.
-- Called only by the SECURITY DEFINER triggers of planning, intervention_techniciens,
-- interventions and absences; no application role may execute it (functions.csv).
CREATE OR REPLACE FUNCTION occupation_reserve(
    p_technicien integer, p_periode tstzrange, p_planning integer, p_intervention integer,
    p_absence integer
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_other record;
    v_nom text;
    v_msg text;
BEGIN
    -- Key space 7001 = technicians' bookings (the second key is the technician's id).
    PERFORM pg_advisory_xact_lock(7001, p_technicien);
    BEGIN
        INSERT INTO planning_occupations
            (technicien_id, periode, planning_id, intervention_id, absence_id)
        VALUES (p_technicien, p_periode, p_planning, p_intervention, p_absence);
    EXCEPTION WHEN exclusion_violation THEN
        SELECT o.intervention_id, o.absence_id, o.periode, i.titre, a.motif::text AS motif
          INTO v_other
          FROM planning_occupations o
          LEFT JOIN interventions i ON i.id = o.intervention_id
          LEFT JOIN absences a ON a.id = o.absence_id
         WHERE o.technicien_id = p_technicien AND o.periode && p_periode
         ORDER BY lower(o.periode)
         LIMIT 1;
        SELECT u.full_name INTO v_nom
          FROM techniciens t JOIN users u ON u.id = t.user_id WHERE t.id = p_technicien;
        v_nom := COALESCE(v_nom, format('Le technicien n° %s', p_technicien));
        IF v_other.intervention_id IS NOT NULL THEN
            v_msg := format(
                '%s est déjà planifié(e) sur l''intervention n° %s « %s » du %s au %s.',
                v_nom, v_other.intervention_id, v_other.titre,
                to_char(lower(v_other.periode) AT TIME ZONE 'Africa/Casablanca',
                        'DD/MM/YYYY HH24:MI'),
                to_char(upper(v_other.periode) AT TIME ZONE 'Africa/Casablanca',
                        'DD/MM/YYYY HH24:MI'));
        ELSIF v_other.absence_id IS NOT NULL THEN
            v_msg := format(
                '%s est absent(e) (%s) du %s au %s%s.',
                v_nom,
                CASE v_other.motif WHEN 'conge' THEN 'congé' ELSE v_other.motif END,
                to_char(lower(v_other.periode) AT TIME ZONE 'Africa/Casablanca',
                        'DD/MM/YYYY HH24:MI'),
                to_char(upper(v_other.periode) AT TIME ZONE 'Africa/Casablanca',
                        'DD/MM/YYYY HH24:MI'),
                CASE WHEN p_absence IS NOT NULL
                     THEN ' : les absences d''un technicien ne se chevauchent pas' ELSE '' END);
        ELSE
            v_msg := format('%s est déjà occupé(e) sur cette période.', v_nom);
        END IF;
        RAISE EXCEPTION '%', v_msg
            USING ERRCODE = 'check_violation', CONSTRAINT = 'excl_occupation_chevauchement',
                  TABLE = 'planning_occupations';
    END;
END;
$$;
REVOKE ALL ON FUNCTION occupation_reserve(integer, tstzrange, integer, integer, integer)
    FROM PUBLIC;
