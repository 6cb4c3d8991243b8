-- drop: ALTER TABLE equipements DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS equipements_read ON equipements; DROP POLICY IF EXISTS equipements_write ON equipements;
-- A client reads only its own machines; technicians read them all; only admin/responsable
-- create, edit or retire machines (a client asks for changes through an intervention request).
ALTER TABLE equipements ENABLE ROW LEVEL SECURITY;

CREATE POLICY equipements_read ON equipements FOR SELECT TO mif_app
USING ((SELECT app_is_staff())
       OR (SELECT app_current_technicien_id()) IS NOT NULL
       OR client_id = (SELECT app_current_client_id()));

CREATE POLICY equipements_write ON equipements FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));
