-- drop: DROP FUNCTION IF EXISTS intervention_pieces_movement() CASCADE;
-- Consuming a part on an intervention writes its 'sortie' movement in the same transaction; a
-- smaller quantity or a removed line gives the difference back as an 'entree'.
CREATE OR REPLACE FUNCTION intervention_pieces_movement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_delta integer;
    v_row intervention_pieces;
BEGIN
    v_row := COALESCE(NEW, OLD);
    v_delta := CASE TG_OP
        WHEN 'INSERT' THEN NEW.quantite
        WHEN 'UPDATE' THEN NEW.quantite - OLD.quantite
        ELSE -OLD.quantite
    END;
    IF v_delta <> 0 THEN
        INSERT INTO mouvements_stock (piece_id, intervention_id, user_id, type_mouvement, quantite,
                                      prix_unitaire, date_mouvement, commentaire)
        VALUES (v_row.piece_id, v_row.intervention_id, app_current_user_id(),
                CASE WHEN v_delta > 0 THEN 'sortie' ELSE 'entree' END::type_mouvement,
                abs(v_delta), v_row.prix_unitaire,
                -- the first consumption is dated when the part was used (history imports)
                CASE WHEN TG_OP = 'INSERT' THEN COALESCE(NEW.date_utilisation, now()) ELSE now() END,
                CASE WHEN v_delta > 0
                     THEN format('Consommation intervention n° %s', v_row.intervention_id)
                     ELSE format('Retour intervention n° %s', v_row.intervention_id) END);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_intervention_pieces_movement
    AFTER INSERT OR UPDATE OF quantite OR DELETE ON intervention_pieces
    FOR EACH ROW EXECUTE FUNCTION intervention_pieces_movement();
