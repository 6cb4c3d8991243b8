-- drop: ALTER TABLE planning DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS planning_read ON planning; DROP POLICY IF EXISTS planning_write ON planning;
-- Slots follow their intervention; only admin/responsable plan.
ALTER TABLE planning ENABLE ROW LEVEL SECURITY;
CREATE POLICY planning_read ON planning FOR SELECT TO mif_app
USING ((SELECT app_is_staff()) OR app_intervention_visible(intervention_id));
CREATE POLICY planning_write ON planning FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));
