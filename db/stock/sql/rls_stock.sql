-- drop: ALTER TABLE pieces_detachees DISABLE ROW LEVEL SECURITY; ALTER TABLE mouvements_stock DISABLE ROW LEVEL SECURITY; ALTER TABLE intervention_pieces DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS pieces_read ON pieces_detachees; DROP POLICY IF EXISTS pieces_write ON pieces_detachees; DROP POLICY IF EXISTS mouvements_read ON mouvements_stock; DROP POLICY IF EXISTS mouvements_insert ON mouvements_stock; DROP POLICY IF EXISTS intervention_pieces_access ON intervention_pieces;
-- The parts catalogue is readable by all; admin/responsable manage it. Movements are staff and
-- technicians' business (clients see the parts of their interventions, not the warehouse).
ALTER TABLE pieces_detachees ENABLE ROW LEVEL SECURITY;
CREATE POLICY pieces_read ON pieces_detachees FOR SELECT TO mif_app USING (true);
CREATE POLICY pieces_write ON pieces_detachees FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));

ALTER TABLE mouvements_stock ENABLE ROW LEVEL SECURITY;
CREATE POLICY mouvements_read ON mouvements_stock FOR SELECT TO mif_app
USING ((SELECT app_is_staff()) OR (SELECT app_current_technicien_id()) IS NOT NULL);
CREATE POLICY mouvements_insert ON mouvements_stock FOR INSERT TO mif_app
WITH CHECK ((SELECT app_is_staff())
            OR ((SELECT app_current_technicien_id()) IS NOT NULL AND type_mouvement = 'sortie'));

ALTER TABLE intervention_pieces ENABLE ROW LEVEL SECURITY;
CREATE POLICY intervention_pieces_access ON intervention_pieces FOR ALL TO mif_app
USING ((SELECT app_is_staff()) OR app_intervention_visible(intervention_id))
WITH CHECK ((SELECT app_is_staff())
            OR ((SELECT app_current_technicien_id()) IS NOT NULL
                AND app_intervention_visible(intervention_id)));
