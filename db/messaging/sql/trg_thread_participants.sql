-- drop: DROP FUNCTION IF EXISTS add_thread_participants() CASCADE; DROP FUNCTION IF EXISTS add_message_author() CASCADE;
-- The participants of an intervention's thread are kept by the database: when the thread is
-- opened, the intervention's technicians (principal and assistants) and the client's contact;
-- whoever posts (a manager joining in) from their first message on. SECURITY DEFINER because
-- technicians and clients may open a thread and post (db/access/matrix.csv) but not write
-- conversation_participants themselves: they cannot add anyone else this way. Only when a user
-- acts: the seed imports its threads with their participants.
CREATE OR REPLACE FUNCTION add_thread_participants() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF app_current_user_id() IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO conversation_participants (conversation_id, user_id)
    SELECT NEW.id, t.user_id
      FROM intervention_techniciens it JOIN techniciens t ON t.id = it.technicien_id
     WHERE it.intervention_id = NEW.intervention_id
    UNION
    SELECT NEW.id, c.user_id
      FROM interventions i JOIN clients c ON c.id = i.client_id
     WHERE i.id = NEW.intervention_id AND c.user_id IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_conversations_participants
    AFTER INSERT ON conversations
    FOR EACH ROW WHEN (NEW.intervention_id IS NOT NULL)
    EXECUTE FUNCTION add_thread_participants();

CREATE OR REPLACE FUNCTION add_message_author() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF app_current_user_id() IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO conversation_participants (conversation_id, user_id)
    VALUES (NEW.conversation_id, NEW.user_id)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_messages_author_participant
    AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.user_id IS NOT NULL)
    EXECUTE FUNCTION add_message_author();
