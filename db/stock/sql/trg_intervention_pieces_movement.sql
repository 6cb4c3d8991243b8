-- drop: DROP FUNCTION IF EXISTS intervention_pieces_movement() CASCADE;
-- Consuming a part on an intervention writes its 'sortie' movement in the same transaction; a
-- smaller quantity or a removed line gives the difference back as an 'entree'. A line moved to
-- another part or intervention gives the old line back in full, then consumes the new one.
CREATE OR REPLACE FUNCTION intervention_pieces_movement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_move record;
BEGIN
    FOR v_move IN
        SELECT m.piece_id, m.intervention_id, m.delta, m.prix_unitaire, m.date_mouvement
          FROM (VALUES
                -- same part, same intervention: only the difference moves
                (1, CASE WHEN TG_OP = 'UPDATE' AND NEW.piece_id = OLD.piece_id
                              AND NEW.intervention_id = OLD.intervention_id
                         THEN NEW.piece_id END,
                 NEW.intervention_id, NEW.quantite - OLD.quantite, NEW.prix_unitaire, now()),
                -- the old line given back (line removed, or moved to another part/intervention)
                (2, CASE WHEN TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'
                              AND (NEW.piece_id <> OLD.piece_id
                                   OR NEW.intervention_id <> OLD.intervention_id))
                         THEN OLD.piece_id END,
                 OLD.intervention_id, -OLD.quantite, OLD.prix_unitaire, now()),
                -- the new line consumed; the first consumption is dated when the part was used
                -- (history imports)
                (3, CASE WHEN TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                              AND (NEW.piece_id <> OLD.piece_id
                                   OR NEW.intervention_id <> OLD.intervention_id))
                         THEN NEW.piece_id END,
                 NEW.intervention_id, NEW.quantite, NEW.prix_unitaire,
                 CASE WHEN TG_OP = 'INSERT' THEN COALESCE(NEW.date_utilisation, now())
                      ELSE now() END)
               ) AS m(ord, piece_id, intervention_id, delta, prix_unitaire, date_mouvement)
         WHERE m.piece_id IS NOT NULL AND m.delta <> 0
         ORDER BY m.ord
    LOOP
        INSERT INTO mouvements_stock (piece_id, intervention_id, user_id, type_mouvement, quantite,
                                      prix_unitaire, date_mouvement, commentaire)
        VALUES (v_move.piece_id, v_move.intervention_id, app_current_user_id(),
                CASE WHEN v_move.delta > 0 THEN 'sortie' ELSE 'entree' END::type_mouvement,
                abs(v_move.delta), v_move.prix_unitaire, v_move.date_mouvement,
                CASE WHEN v_move.delta > 0
                     THEN format('Consommation intervention n° %s', v_move.intervention_id)
                     ELSE format('Retour intervention n° %s', v_move.intervention_id) END);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_intervention_pieces_movement
    AFTER INSERT OR UPDATE OF quantite, piece_id, intervention_id OR DELETE ON intervention_pieces
    FOR EACH ROW EXECUTE FUNCTION intervention_pieces_movement();
