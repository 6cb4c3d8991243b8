-- drop: ALTER TABLE reports DISABLE ROW LEVEL SECURITY; ALTER TABLE report_schedules DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS reports_access ON reports; DROP POLICY IF EXISTS report_schedules_access ON report_schedules;
-- Everyone sees the reports they generated; admin/responsable see all and manage schedules.
ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY reports_access ON reports FOR ALL TO mif_app
USING ((SELECT app_is_staff()) OR generated_by = (SELECT app_active_user_id()))
WITH CHECK ((SELECT app_is_staff()) OR generated_by = (SELECT app_active_user_id()));

ALTER TABLE report_schedules ENABLE ROW LEVEL SECURITY;
CREATE POLICY report_schedules_access ON report_schedules FOR ALL TO mif_app
USING ((SELECT app_is_staff())) WITH CHECK ((SELECT app_is_staff()));
