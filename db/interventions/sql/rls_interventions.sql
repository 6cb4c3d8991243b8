-- drop: ALTER TABLE interventions DISABLE ROW LEVEL SECURITY; ALTER TABLE intervention_techniciens DISABLE ROW LEVEL SECURITY; ALTER TABLE taches DISABLE ROW LEVEL SECURITY; ALTER TABLE historiques_interventions DISABLE ROW LEVEL SECURITY; ALTER TABLE documents DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS interventions_access ON interventions; DROP POLICY IF EXISTS interventions_insert ON interventions; DROP POLICY IF EXISTS intervention_techniciens_access ON intervention_techniciens; DROP POLICY IF EXISTS taches_access ON taches; DROP POLICY IF EXISTS historiques_read ON historiques_interventions; DROP POLICY IF EXISTS documents_access ON documents;
-- Interventions: a client sees its company's; a technician those assigned to them (principal or
-- assistant); admin/responsable all. Children follow their intervention (or machine).
ALTER TABLE interventions ENABLE ROW LEVEL SECURITY;

CREATE POLICY interventions_access ON interventions FOR ALL TO mif_app
USING ((SELECT app_is_staff())
       OR client_id = (SELECT app_current_client_id())
       OR technicien_id = (SELECT app_current_technicien_id())
       OR id IN (SELECT it.intervention_id FROM intervention_techniciens it
                  WHERE it.technicien_id = (SELECT app_current_technicien_id())))
WITH CHECK ((SELECT app_is_staff())
       OR client_id = (SELECT app_current_client_id())
       OR technicien_id = (SELECT app_current_technicien_id())
       OR id IN (SELECT it.intervention_id FROM intervention_techniciens it
                  WHERE it.technicien_id = (SELECT app_current_technicien_id())));

ALTER TABLE intervention_techniciens ENABLE ROW LEVEL SECURITY;
CREATE POLICY intervention_techniciens_access ON intervention_techniciens FOR ALL TO mif_app
USING ((SELECT app_is_staff()) OR app_intervention_visible(intervention_id))
WITH CHECK ((SELECT app_is_staff()));

ALTER TABLE taches ENABLE ROW LEVEL SECURITY;
CREATE POLICY taches_access ON taches FOR ALL TO mif_app
USING ((SELECT app_is_staff())
       OR (intervention_id IS NOT NULL AND app_intervention_visible(intervention_id))
       OR (intervention_id IS NULL AND app_equipement_visible(equipement_id)))
WITH CHECK ((SELECT app_is_staff())
       OR (intervention_id IS NOT NULL AND app_intervention_visible(intervention_id))
       OR (intervention_id IS NULL AND app_equipement_visible(equipement_id)));

ALTER TABLE historiques_interventions ENABLE ROW LEVEL SECURITY;
CREATE POLICY historiques_read ON historiques_interventions FOR SELECT TO mif_app
USING ((SELECT app_is_staff()) OR app_intervention_visible(intervention_id));

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_access ON documents FOR ALL TO mif_app
USING ((SELECT app_is_staff())
       OR (intervention_id IS NOT NULL AND app_intervention_visible(intervention_id))
       OR (intervention_id IS NULL AND app_equipement_visible(equipement_id)))
WITH CHECK ((SELECT app_is_staff())
       OR (intervention_id IS NOT NULL AND app_intervention_visible(intervention_id))
       OR (intervention_id IS NULL AND app_equipement_visible(equipement_id)));
