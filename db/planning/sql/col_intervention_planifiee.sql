-- drop: ALTER TABLE interventions DROP COLUMN IF EXISTS planifiee;
-- interventions.planifiee: true when the intervention has its slot in ``planning``. Derived
-- data, not in the ERD (seed 004 has no such column): kept by trg_planning_planifiee and
-- refused when written by hand (intervention_planifiee). It exists so that "open or assigned
-- and not planned yet" is a range of a partial index (idx_intervention_unplanned_<statut>)
-- instead of walking every assigned intervention, almost all planned, for the few that are
-- not (0.1-0.6 s at 1,000,000 interventions). NOT NULL DEFAULT false: a catalogue-only change.
ALTER TABLE interventions ADD COLUMN planifiee boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN interventions.planifiee IS
    'Dérivé (hors MCD) : l''intervention a son créneau au planning ; tenu par trg_planning_planifiee.';
