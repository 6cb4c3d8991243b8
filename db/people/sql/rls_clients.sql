-- drop: ALTER TABLE clients DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS clients_read ON clients; DROP POLICY IF EXISTS clients_write ON clients;
-- A client sees and edits only its own company; technicians read every client (site
-- addresses, contacts); admin/responsable see everything. Policies key on app.current_user_id.
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;

CREATE POLICY clients_read ON clients FOR SELECT TO mif_app
USING ((SELECT app_is_staff())
       OR (SELECT app_current_technicien_id()) IS NOT NULL
       OR id = (SELECT app_current_client_id()));

CREATE POLICY clients_write ON clients FOR ALL TO mif_app
USING ((SELECT app_is_staff()) OR id = (SELECT app_current_client_id()))
WITH CHECK ((SELECT app_is_staff()) OR id = (SELECT app_current_client_id()));
