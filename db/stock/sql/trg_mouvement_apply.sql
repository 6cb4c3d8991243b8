-- drop: DROP FUNCTION IF EXISTS apply_mouvement_stock() CASCADE; DROP FUNCTION IF EXISTS refuse_mouvement_change() CASCADE;
-- The only way stock_actuel changes: each movement is applied when inserted (entree +q,
-- sortie -q, ajustement +/-q, transfert changes the location, not the quantity). The guarded
-- UPDATE takes the part's row lock, so concurrent withdrawals queue and none can drive the stock
-- below zero (READ COMMITTED re-checks the WHERE on the latest row version).
CREATE OR REPLACE FUNCTION apply_mouvement_stock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_delta integer;
    v_stock integer;
BEGIN
    v_delta := CASE NEW.type_mouvement
        WHEN 'entree' THEN NEW.quantite
        WHEN 'sortie' THEN -NEW.quantite
        WHEN 'ajustement' THEN NEW.quantite
        ELSE 0
    END;
    IF v_delta = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE pieces_detachees
       SET stock_actuel = stock_actuel + v_delta
     WHERE id = NEW.piece_id AND stock_actuel + v_delta >= 0;
    IF NOT FOUND THEN
        SELECT stock_actuel INTO v_stock FROM pieces_detachees WHERE id = NEW.piece_id;
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'stock_insuffisant',
            TABLE = 'mouvements_stock',
            MESSAGE = format('Stock insuffisant : %s disponible(s), %s demandé(s).',
                             COALESCE(v_stock, 0), -v_delta);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_mouvements_stock_apply
    AFTER INSERT ON mouvements_stock
    FOR EACH ROW EXECUTE FUNCTION apply_mouvement_stock();

-- The ledger is append-only: a correction is a new 'ajustement' movement.
CREATE OR REPLACE FUNCTION refuse_mouvement_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'check_violation',
        CONSTRAINT = 'mouvement_immuable',
        TABLE = 'mouvements_stock',
        MESSAGE = 'Un mouvement de stock ne se modifie pas : saisissez un ajustement.';
END;
$$;

CREATE TRIGGER trg_mouvements_stock_immutable
    BEFORE UPDATE OR DELETE ON mouvements_stock
    FOR EACH ROW EXECUTE FUNCTION refuse_mouvement_change();
