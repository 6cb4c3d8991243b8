-- drop: DROP INDEX IF EXISTS idx_facture_statut_echeance;
-- Late invoices on the home page: flagged en_retard, or sent and past their due date; both are
-- ranges of this index, whatever the client.
CREATE INDEX idx_facture_statut_echeance ON factures (statut, date_echeance);
