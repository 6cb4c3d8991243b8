-- drop: DROP FUNCTION IF EXISTS set_updated_at() CASCADE;
-- Keeps updated_at right for every write, raw SQL included. The migration attaches it to every
-- table (trigger "trg_<table>_updated_at"). planning also keeps the seed's date_modification.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    IF TG_TABLE_NAME = 'planning' THEN
        NEW.date_modification := NEW.updated_at;
    END IF;
    RETURN NEW;
END;
$$;
