-- drop: DROP INDEX IF EXISTS idx_facture_a_encaisser;
-- Late invoices (home page figure and list, db/reporting/service.py _invoice_late): flagged
-- en_retard, or sent, unpaid and past due. idx_facture_statut_echeance cannot serve that OR
-- in one range, so at 600,000 invoices the planner read them all (74 ms for the count). This
-- partial index holds only the invoices still to be collected, in the list's order: the count
-- is a scan of those few entries and the first rows are its head.
CREATE INDEX idx_facture_a_encaisser ON factures (date_echeance, numero_facture)
    INCLUDE (statut, date_paiement)
    WHERE statut = 'en_retard' OR (statut = 'envoyee' AND date_paiement IS NULL);
