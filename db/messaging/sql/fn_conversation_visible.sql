-- drop: DROP FUNCTION IF EXISTS app_conversation_visible(integer) CASCADE;
-- A conversation is visible to staff, to its participants, and to whoever may see its
-- intervention. SECURITY DEFINER so the participants look-up is not itself filtered.
CREATE OR REPLACE FUNCTION app_conversation_visible(p_conversation_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT app_is_staff()
        OR EXISTS (SELECT 1 FROM conversation_participants cp
                    WHERE cp.conversation_id = p_conversation_id
                      AND cp.user_id = app_active_user_id())
        OR EXISTS (SELECT 1 FROM conversations c
                    WHERE c.id = p_conversation_id AND c.intervention_id IS NOT NULL
                      AND app_intervention_visible(c.intervention_id))
$$;
