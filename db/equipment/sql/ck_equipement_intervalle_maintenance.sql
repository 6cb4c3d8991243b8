-- drop: ALTER TABLE equipements DROP COLUMN IF EXISTS intervalle_maintenance_jours;
-- The machine's preventive plan: days between two maintenance visits (DESIGN §3.1 "a
-- maintenance interval per machine"); NULL = no plan. Ten years at most.
ALTER TABLE equipements ADD COLUMN intervalle_maintenance_jours integer
    CONSTRAINT ck_equipements_intervalle_maintenance_positif
    CHECK (intervalle_maintenance_jours > 0 AND intervalle_maintenance_jours <= 3660);
