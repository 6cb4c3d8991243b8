-- drop: ALTER TABLE notifications DISABLE ROW LEVEL SECURITY; ALTER TABLE conversations DISABLE ROW LEVEL SECURITY; ALTER TABLE conversation_participants DISABLE ROW LEVEL SECURITY; ALTER TABLE messages DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS notifications_own ON notifications; DROP POLICY IF EXISTS notifications_send ON notifications; DROP POLICY IF EXISTS conversations_access ON conversations; DROP POLICY IF EXISTS conversation_participants_access ON conversation_participants; DROP POLICY IF EXISTS messages_read ON messages; DROP POLICY IF EXISTS messages_write ON messages;
-- Notifications are personal (staff may send them to anyone). Conversations and messages are
-- visible to participants and to those who may see the related intervention; a message is
-- always written in one's own name. A conversation about an intervention can only be opened by
-- someone who may see that intervention.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY notifications_own ON notifications FOR ALL TO mif_app
USING (user_id = (SELECT app_active_user_id()))
WITH CHECK (user_id = (SELECT app_active_user_id()));
CREATE POLICY notifications_send ON notifications FOR INSERT TO mif_app
WITH CHECK ((SELECT app_is_staff()));

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
CREATE POLICY conversations_access ON conversations FOR ALL TO mif_app
USING (app_conversation_visible(id))
WITH CHECK ((SELECT app_is_staff())
            OR (intervention_id IS NOT NULL AND app_intervention_visible(intervention_id))
            OR (intervention_id IS NULL AND (SELECT app_active_user_id()) IS NOT NULL));

ALTER TABLE conversation_participants ENABLE ROW LEVEL SECURITY;
CREATE POLICY conversation_participants_access ON conversation_participants FOR ALL TO mif_app
USING (app_conversation_visible(conversation_id))
WITH CHECK (app_conversation_visible(conversation_id));

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY messages_read ON messages FOR SELECT TO mif_app
USING (app_conversation_visible(conversation_id));
CREATE POLICY messages_write ON messages FOR INSERT TO mif_app
WITH CHECK (app_conversation_visible(conversation_id)
            AND user_id = (SELECT app_active_user_id()));
