"""Strings of the home page (tableau de bord per role)."""

STRINGS: dict[str, dict[str, str]] = {
    "home.title": {"fr": "Tableau de bord", "en": "Dashboard"},
    "home.hello": {"fr": "Bonjour {name}", "en": "Hello {name}"},
    "home.today_is": {"fr": "Nous sommes le {date}.", "en": "Today is {date}."},
    "home.error": {
        "fr": "Les indicateurs n'ont pas pu être chargés. Réessayez dans un instant.",
        "en": "The figures could not be loaded. Try again in a moment.",
    },
    "home.first_rows": {
        "fr": "Les {n} premières lignes.",
        "en": "The first {n} rows.",
    },
    "home.open_list": {"fr": "Voir toute la liste", "en": "See the whole list"},
    "home.click_row": {
        "fr": "Cliquez sur une ligne pour ouvrir l'intervention.",
        "en": "Click a row to open the intervention.",
    },
    "home.page_later": {
        "fr": "La liste complète viendra avec la page {page}.",
        "en": "The whole list comes with the {page} page.",
    },
    "home.page.stock": {"fr": "Stock", "en": "Stock"},
    "home.page.contracts": {"fr": "Contrats & factures", "en": "Contracts & invoices"},
    "home.open_registry": {"fr": "Ouvrir dans le parc", "en": "Open in the registry"},
    # Sections
    "home.section.interventions": {"fr": "Interventions", "en": "Interventions"},
    "home.section.alerts": {"fr": "Alertes", "en": "Alerts"},
    "home.section.agenda": {"fr": "Mon planning", "en": "My schedule"},
    "home.section.my_equipment": {"fr": "Mes équipements", "en": "My equipment"},
    "home.section.my_requests": {"fr": "Mes demandes", "en": "My requests"},
    # Manager figures
    "home.open_interventions": {"fr": "Interventions ouvertes", "en": "Open interventions"},
    "home.late_interventions": {"fr": "Interventions en retard", "en": "Late interventions"},
    "home.equipment_down": {"fr": "Équipements en panne", "en": "Equipment broken down"},
    "home.parts_below_min": {"fr": "Pièces sous le minimum", "en": "Parts below minimum"},
    "home.contracts_ending": {
        "fr": "Contrats finissant sous {days} jours",
        "en": "Contracts ending within {days} days",
    },
    "home.invoices_late": {"fr": "Factures en retard", "en": "Late invoices"},
    "home.help.open": {
        "fr": "Ouvertes, affectées, en cours ou en attente.",
        "en": "Open, assigned, in progress or on hold.",
    },
    "home.help.late": {
        "fr": "Date limite dépassée et intervention non clôturée.",
        "en": "Deadline passed and intervention not closed.",
    },
    "home.help.parts": {
        "fr": "Pièces actives dont le stock est inférieur au stock minimum.",
        "en": "Active parts whose stock is below the minimum level.",
    },
    "home.help.contracts": {
        "fr": "Contrats actifs dont la date de fin tombe dans les {days} prochains jours.",
        "en": "Active contracts whose end date falls within the next {days} days.",
    },
    "home.help.invoices": {
        "fr": "Factures en retard, ou envoyées et impayées après l'échéance.",
        "en": "Invoices flagged late, or sent and unpaid after the due date.",
    },
    # Technician figures
    "home.tech_today": {"fr": "Mes interventions aujourd'hui", "en": "My interventions today"},
    "home.tech_week": {"fr": "Cette semaine", "en": "This week"},
    "home.tech_open": {"fr": "Mes interventions ouvertes", "en": "My open interventions"},
    "home.tech_late": {"fr": "Mes interventions en retard", "en": "My late interventions"},
    "home.help.week": {
        "fr": "Du lundi {start} au dimanche {end}.",
        "en": "From Monday {start} to Sunday {end}.",
    },
    "home.no_technician": {
        "fr": "Votre compte n'est rattaché à aucune fiche technicien.",
        "en": "Your account is not linked to a technician record.",
    },
    # Client figures
    "home.client_total": {"fr": "Tous mes équipements", "en": "All my equipment"},
    "home.client_open_requests": {"fr": "Demandes en cours", "en": "Open requests"},
    "home.no_client": {
        "fr": "Votre compte n'est rattaché à aucune entreprise cliente.",
        "en": "Your account is not linked to a customer company.",
    },
    # Columns of the lists
    "home.col.titre": {"fr": "Intervention", "en": "Intervention"},
    "home.col.equipement": {"fr": "Équipement", "en": "Equipment"},
    "home.col.client": {"fr": "Client", "en": "Customer"},
    "home.col.technicien": {"fr": "Technicien", "en": "Technician"},
    "home.col.priorite": {"fr": "Priorité", "en": "Priority"},
    "home.col.statut": {"fr": "Statut", "en": "Status"},
    "home.col.date_planifiee": {"fr": "Prévue le", "en": "Planned"},
    "home.col.date_limite": {"fr": "Date limite", "en": "Deadline"},
    "home.col.reference": {"fr": "Référence", "en": "Reference"},
    "home.col.piece": {"fr": "Pièce", "en": "Part"},
    "home.col.stock": {"fr": "Stock", "en": "Stock"},
    "home.col.minimum": {"fr": "Minimum", "en": "Minimum"},
    "home.col.emplacement": {"fr": "Emplacement", "en": "Location"},
    "home.col.contrat": {"fr": "Contrat", "en": "Contract"},
    "home.col.type": {"fr": "Type", "en": "Type"},
    "home.col.date_fin": {"fr": "Fin", "en": "End"},
    "home.col.montant": {"fr": "Montant", "en": "Amount"},
    "home.col.facture": {"fr": "Facture", "en": "Invoice"},
    "home.col.echeance": {"fr": "Échéance", "en": "Due date"},
    "home.col.montant_ttc": {"fr": "Montant TTC", "en": "Amount incl. VAT"},
    "home.invoice_status.en_retard": {"fr": "En retard", "en": "Overdue"},
    "home.invoice_status.envoyee": {"fr": "Envoyée", "en": "Sent"},
    "home.unassigned": {"fr": "Non affectée", "en": "Unassigned"},
}
