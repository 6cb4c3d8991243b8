-- drop: DROP TABLE IF EXISTS login_events CASCADE;
-- Journal of sign-ins: one row per password comparison ('echec', 'succes'), per lock
-- ('verrouillage') and per logout ('deconnexion'). Written only by the auth_* functions
-- (SECURITY DEFINER): the app role has no privilege on it, so "how many passwords were
-- checked" can be counted from it and nobody can hide an attempt. An attempt on an unknown or
-- inactive account keeps the typed name with no user id; deleting a user keeps their rows.
CREATE TABLE login_events (
    id integer GENERATED ALWAYS AS IDENTITY,
    user_id integer,
    username text,
    event text NOT NULL,
    adresse_ip inet,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_login_events PRIMARY KEY (id),
    CONSTRAINT fk_login_events_user_id_users FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT ck_login_events_event
        CHECK (event IN ('echec', 'verrouillage', 'succes', 'deconnexion'))
);

CREATE INDEX idx_login_events_user_date ON login_events (user_id, created_at);

CREATE TRIGGER trg_login_events_updated_at BEFORE UPDATE ON login_events
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Tables created after the initial grants get none; said explicitly all the same (any read
-- access, e.g. an admin's audit page, is granted by the access rules, never here).
REVOKE ALL ON login_events FROM PUBLIC, mif_app;
