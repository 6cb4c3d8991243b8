-- drop: DROP TABLE IF EXISTS planning_occupations CASCADE;
-- Who is busy when: one row per technician of a planned intervention (principal and
-- assistants, from planning + intervention_techniciens) and one per absence. Written only by
-- the triggers that keep it in step (SECURITY DEFINER); no application role writes it.
-- The exclusion constraint is the double-booking rule itself: two overlapping periods of one
-- technician cannot both be committed, whichever path writes and however many transactions
-- race (the second waits for the first, then fails). Periods are half-open [debut, fin), so a
-- slot may start when the previous one ends.
-- Only live work occupies: slots of cancelled or archived interventions free their
-- technicians (trg_interventions_statut_occupations).
CREATE TABLE planning_occupations (
    id bigint GENERATED ALWAYS AS IDENTITY,
    technicien_id integer NOT NULL,
    periode tstzrange NOT NULL,
    planning_id integer,
    intervention_id integer,
    absence_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_planning_occupations PRIMARY KEY (id),
    CONSTRAINT fk_planning_occupations_technicien_id_techniciens FOREIGN KEY (technicien_id)
        REFERENCES techniciens (id) ON DELETE CASCADE,
    CONSTRAINT fk_planning_occupations_planning_id_planning FOREIGN KEY (planning_id)
        REFERENCES planning (id) ON DELETE CASCADE,
    CONSTRAINT fk_planning_occupations_intervention_id_interventions
        FOREIGN KEY (intervention_id) REFERENCES interventions (id) ON DELETE CASCADE,
    CONSTRAINT fk_planning_occupations_absence_id_absences FOREIGN KEY (absence_id)
        REFERENCES absences (id) ON DELETE CASCADE,
    CONSTRAINT ck_planning_occupations_source CHECK (
        (planning_id IS NOT NULL AND intervention_id IS NOT NULL AND absence_id IS NULL)
        OR (planning_id IS NULL AND intervention_id IS NULL AND absence_id IS NOT NULL)),
    CONSTRAINT ck_planning_occupations_periode CHECK (
        NOT isempty(periode) AND NOT lower_inf(periode) AND NOT upper_inf(periode)),
    CONSTRAINT uq_planning_occupations_planning UNIQUE (planning_id, technicien_id),
    CONSTRAINT uq_planning_occupations_absence UNIQUE (absence_id),
    CONSTRAINT excl_occupation_chevauchement
        EXCLUDE USING gist (technicien_id WITH =, periode WITH &&)
);

CREATE INDEX idx_planning_occupations_intervention ON planning_occupations (intervention_id);

CREATE TRIGGER trg_planning_occupations_updated_at BEFORE UPDATE ON planning_occupations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

REVOKE ALL ON planning_occupations FROM PUBLIC;
