-- drop: ALTER TABLE contrats DISABLE ROW LEVEL SECURITY; ALTER TABLE contrat_equipements DISABLE ROW LEVEL SECURITY; ALTER TABLE factures DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS contrats_read ON contrats; DROP POLICY IF EXISTS contrats_write ON contrats; DROP POLICY IF EXISTS contrat_equipements_read ON contrat_equipements; DROP POLICY IF EXISTS contrat_equipements_write ON contrat_equipements; DROP POLICY IF EXISTS factures_read ON factures; DROP POLICY IF EXISTS factures_write ON factures;
-- A client reads its own contracts and invoices; technicians read contracts (coverage of a
-- machine), never invoices; only admin/responsable write.
ALTER TABLE contrats ENABLE ROW LEVEL SECURITY;
CREATE POLICY contrats_read ON contrats FOR SELECT TO mif_app
USING ((SELECT app_is_staff())
       OR (SELECT app_current_technicien_id()) IS NOT NULL
       OR client_id = (SELECT app_current_client_id()));
CREATE POLICY contrats_write ON contrats FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));

ALTER TABLE contrat_equipements ENABLE ROW LEVEL SECURITY;
CREATE POLICY contrat_equipements_read ON contrat_equipements FOR SELECT TO mif_app
USING ((SELECT app_is_staff()) OR app_equipement_visible(equipement_id));
CREATE POLICY contrat_equipements_write ON contrat_equipements FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));

ALTER TABLE factures ENABLE ROW LEVEL SECURITY;
CREATE POLICY factures_read ON factures FOR SELECT TO mif_app
USING ((SELECT app_is_staff()) OR client_id = (SELECT app_current_client_id()));
CREATE POLICY factures_write ON factures FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));
