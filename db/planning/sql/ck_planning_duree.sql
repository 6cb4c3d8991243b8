-- drop: ALTER TABLE planning DROP CONSTRAINT IF EXISTS ck_planning_duree;
-- A slot lasts at most 14 days (ck_planning_dates already wants it longer than zero): longer
-- work is several slots. The bound also makes "slots around a date" an index range.
ALTER TABLE planning ADD CONSTRAINT ck_planning_duree
    CHECK (date_fin - date_debut <= interval '14 days');
