-- drop: DROP FUNCTION IF EXISTS guard_piece_stock() CASCADE;
-- stock_actuel is written only by apply_mouvement_stock (trigger depth 2). A new part starts at
-- 0; its first stock arrives as an 'entree' movement.
CREATE OR REPLACE FUNCTION guard_piece_stock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NEW;
    END IF;
    IF (TG_OP = 'INSERT' AND NEW.stock_actuel <> 0)
       OR (TG_OP = 'UPDATE' AND NEW.stock_actuel IS DISTINCT FROM OLD.stock_actuel) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'stock_par_mouvement',
            TABLE = 'pieces_detachees',
            MESSAGE = 'Le stock d''une pièce ne change que par un mouvement de stock.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_pieces_detachees_stock_guard
    BEFORE INSERT OR UPDATE OF stock_actuel ON pieces_detachees
    FOR EACH ROW EXECUTE FUNCTION guard_piece_stock();
