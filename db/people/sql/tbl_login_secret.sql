-- drop: DROP TABLE IF EXISTS login_secret CASCADE;
-- One random key, created with the table and readable by its owner only: auth_login_salt()
-- derives the fake salt it gives for an unknown account from it. A salt derived from the name
-- alone could be recomputed by anyone who reads this repository, which would tell a real
-- account from a missing one. Never granted to any application role.
CREATE TABLE login_secret (
    id smallint NOT NULL DEFAULT 1,
    cle text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_login_secret PRIMARY KEY (id),
    CONSTRAINT ck_login_secret_une_ligne CHECK (id = 1),
    CONSTRAINT ck_login_secret_cle_longue CHECK (length(cle) >= 32)
);

CREATE TRIGGER trg_login_secret_updated_at BEFORE UPDATE ON login_secret
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- gen_random_uuid() draws from the server's strong random source: 2 x 122 random bits.
INSERT INTO login_secret (cle)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

REVOKE ALL ON login_secret FROM PUBLIC, mif_app;
