-- drop: DROP INDEX IF EXISTS uq_intervention_preventive_ouverte;
-- At most one open preventive intervention per machine: preventive generation may run twice,
-- or on two workers at once, and never doubles a work order (ON CONFLICT DO NOTHING on it).
CREATE UNIQUE INDEX uq_intervention_preventive_ouverte ON interventions (equipement_id)
    WHERE type_intervention = 'preventive'
      AND statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente');
