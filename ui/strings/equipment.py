"""Strings of the equipment registry page (Parc équipements)."""

STRINGS: dict[str, dict[str, str]] = {
    "equip.title": {"fr": "Parc équipements", "en": "Equipment registry"},
    "equip.tab.list": {"fr": "Liste", "en": "List"},
    "equip.tab.new": {"fr": "Nouvel équipement", "en": "New equipment"},
    "equip.tab.import": {"fr": "Import CSV", "en": "CSV import"},
    # Filters
    "equip.search": {"fr": "Rechercher", "en": "Search"},
    "equip.search.placeholder": {
        "fr": "Nom, modèle, fabricant, n° de série, localisation ou client",
        "en": "Name, model, manufacturer, serial number, location or customer",
    },
    "equip.filter.statut": {"fr": "Statut", "en": "Status"},
    "equip.filter.criticite": {"fr": "Criticité", "en": "Criticality"},
    "equip.filter.client": {"fr": "Client", "en": "Customer"},
    "equip.filter.client_search": {"fr": "Chercher un client", "en": "Find a customer"},
    "equip.filter.client_search.placeholder": {
        "fr": "Partie du nom de l'entreprise",
        "en": "Part of the company name",
    },
    "equip.filter.all_clients": {"fr": "Tous les clients", "en": "All customers"},
    "equip.filter.any": {"fr": "Tous", "en": "All"},
    "equip.filter.maintenance": {
        "fr": "Maintenance prévue au plus tard le",
        "en": "Maintenance due by",
    },
    "equip.filter.garantie": {
        "fr": "Garantie finissant au plus tard le",
        "en": "Warranty ending by",
    },
    "equip.filter.reset": {"fr": "Effacer les filtres", "en": "Clear filters"},
    # Columns and fields
    "equip.col.nom": {"fr": "Nom", "en": "Name"},
    "equip.col.modele": {"fr": "Modèle", "en": "Model"},
    "equip.col.fabricant": {"fr": "Fabricant", "en": "Manufacturer"},
    "equip.col.numero_serie": {"fr": "N° de série", "en": "Serial number"},
    "equip.col.client": {"fr": "Client", "en": "Customer"},
    "equip.col.localisation": {"fr": "Localisation", "en": "Location"},
    "equip.col.statut": {"fr": "Statut", "en": "Status"},
    "equip.col.criticite": {"fr": "Criticité", "en": "Criticality"},
    "equip.col.date_installation": {"fr": "Installation", "en": "Installed"},
    "equip.col.derniere_maintenance": {"fr": "Dernière maintenance", "en": "Last maintenance"},
    "equip.col.prochaine_maintenance": {"fr": "Prochaine maintenance", "en": "Next maintenance"},
    "equip.col.date_fin_garantie": {"fr": "Fin de garantie", "en": "Warranty end"},
    "equip.col.duree_garantie_mois": {
        "fr": "Durée de garantie (mois)",
        "en": "Warranty (months)",
    },
    "equip.col.intervalle_maintenance_jours": {
        "fr": "Intervalle de maintenance (jours)",
        "en": "Maintenance interval (days)",
    },
    "equip.field.interval_help": {
        "fr": "Plan préventif : une intervention est créée avant la prochaine maintenance ;"
        " sa clôture avance la date de cet intervalle. Vide = pas de plan.",
        "en": "Preventive plan: a work order is created ahead of the next maintenance; closing"
        " it moves the date forward by this interval. Empty = no plan.",
    },
    "equip.col.cout_acquisition": {"fr": "Coût d'acquisition", "en": "Acquisition cost"},
    "equip.col.fournisseur": {"fr": "Fournisseur", "en": "Supplier"},
    "equip.col.specifications_techniques": {
        "fr": "Spécifications techniques",
        "en": "Technical specifications",
    },
    "equip.col.manuel_utilisation": {"fr": "Manuel d'utilisation", "en": "User manual"},
    "equip.col.updated_at": {"fr": "Modifié le", "en": "Modified"},
    "equip.col.created_at": {"fr": "Créé le", "en": "Created"},
    "equip.field.client_help": {
        "fr": "L'entreprise propriétaire de la machine.",
        "en": "The company that owns the machine.",
    },
    "equip.field.serial_help": {
        "fr": "Unique dans tout le parc.",
        "en": "Unique across the whole registry.",
    },
    "equip.field.garantie_help": {
        "fr": "Laissez vide pour la calculer : installation + durée de garantie.",
        "en": "Leave empty to compute it: installation + warranty duration.",
    },
    "equip.field.required": {
        "fr": "Les champs marqués * sont obligatoires.",
        "en": "Fields marked * are required.",
    },
    "equip.field.choose_client": {"fr": "Choisissez un client", "en": "Choose a customer"},
    # Export
    "equip.export.title": {"fr": "Exporter la sélection", "en": "Export the selection"},
    # Detail
    "equip.back": {"fr": "Retour à la liste", "en": "Back to the list"},
    "equip.not_found": {
        "fr": "Équipement introuvable.",
        "en": "Equipment not found.",
    },
    "equip.detail.caption": {
        "fr": "{client} · N° de série {serie}",
        "en": "{client} · Serial number {serie}",
    },
    "equip.tab.fiche": {"fr": "Fiche", "en": "Record"},
    "equip.tab.contrats": {"fr": "Contrats ({n})", "en": "Contracts ({n})"},
    "equip.tab.historique": {"fr": "Historique ({n})", "en": "History ({n})"},
    "equip.tab.interventions": {"fr": "Interventions ({n})", "en": "Interventions ({n})"},
    "equip.tab.taches": {"fr": "Tâches ({n})", "en": "Tasks ({n})"},
    "equip.tab.documents": {"fr": "Documents ({n})", "en": "Documents ({n})"},
    "equip.tab.qr": {"fr": "Étiquette QR", "en": "QR label"},
    "equip.tab.edit": {"fr": "Modifier", "en": "Edit"},
    "equip.section.identification": {"fr": "Identification", "en": "Identification"},
    "equip.section.maintenance": {"fr": "Maintenance", "en": "Maintenance"},
    "equip.section.garantie": {"fr": "Garantie et achat", "en": "Warranty and purchase"},
    "equip.section.client": {"fr": "Client", "en": "Customer"},
    "equip.section.texts": {"fr": "Documentation technique", "en": "Technical documentation"},
    "equip.garantie.active": {
        "fr": "Sous garantie jusqu'au {date}",
        "en": "Under warranty until {date}",
    },
    "equip.garantie.expired": {
        "fr": "Garantie expirée depuis le {date}",
        "en": "Warranty expired on {date}",
    },
    "equip.garantie.none": {"fr": "Garantie non renseignée", "en": "No warranty recorded"},
    "equip.maintenance.overdue": {
        "fr": "Maintenance en retard (prévue le {date})",
        "en": "Maintenance overdue (due {date})",
    },
    "equip.client.ville": {"fr": "Ville", "en": "City"},
    "equip.client.contact": {"fr": "Contact", "en": "Contact"},
    "equip.client.telephone": {"fr": "Téléphone", "en": "Phone"},
    "equip.empty_value": {"fr": "—", "en": "—"},
    "equip.none.contrats": {
        "fr": "Aucun contrat ne couvre cet équipement.",
        "en": "No contract covers this equipment.",
    },
    "equip.none.historique": {
        "fr": "Aucune maintenance clôturée pour cet équipement.",
        "en": "No closed maintenance for this equipment.",
    },
    "equip.none.interventions": {
        "fr": "Aucune intervention sur cet équipement.",
        "en": "No intervention on this equipment.",
    },
    "equip.none.taches": {"fr": "Aucune tâche.", "en": "No task."},
    "equip.none.documents": {"fr": "Aucun document.", "en": "No document."},
    "equip.list_limited": {
        "fr": "Les {n} plus récents sont affichés.",
        "en": "The {n} most recent are shown.",
    },
    "equip.contrat.numero": {"fr": "N° de contrat", "en": "Contract number"},
    "equip.contrat.type": {"fr": "Type", "en": "Type"},
    "equip.contrat.statut": {"fr": "Statut", "en": "Status"},
    "equip.contrat.debut": {"fr": "Début", "en": "Start"},
    "equip.contrat.fin": {"fr": "Fin", "en": "End"},
    "equip.contrat.montant": {"fr": "Montant", "en": "Amount"},
    "equip.contrat.usage": {"fr": "Interventions utilisées", "en": "Interventions used"},
    "equip.contrat.sla": {"fr": "SLA", "en": "SLA"},
    "equip.interv.titre": {"fr": "Titre", "en": "Title"},
    "equip.interv.type": {"fr": "Type", "en": "Type"},
    "equip.interv.statut": {"fr": "Statut", "en": "Status"},
    "equip.interv.priorite": {"fr": "Priorité", "en": "Priority"},
    "equip.interv.creation": {"fr": "Créée le", "en": "Created"},
    "equip.interv.fin": {"fr": "Terminée le", "en": "Finished"},
    "equip.interv.technicien": {"fr": "Technicien", "en": "Technician"},
    "equip.hist.date": {"fr": "Date", "en": "Date"},
    "equip.hist.description": {"fr": "Intervention", "en": "Intervention"},
    "equip.hist.solution": {"fr": "Solution", "en": "Solution"},
    "equip.hist.duree": {"fr": "Durée (h)", "en": "Duration (h)"},
    "equip.hist.cout": {"fr": "Coût", "en": "Cost"},
    "equip.tache.description": {"fr": "Tâche", "en": "Task"},
    "equip.tache.echeance": {"fr": "Échéance", "en": "Due"},
    "equip.tache.statut": {"fr": "Statut", "en": "Status"},
    "equip.tache.intervention": {"fr": "Intervention", "en": "Intervention"},
    "equip.doc.nom": {"fr": "Fichier", "en": "File"},
    "equip.doc.type": {"fr": "Type", "en": "Type"},
    "equip.doc.taille": {"fr": "Taille (octets)", "en": "Size (bytes)"},
    "equip.doc.date": {"fr": "Déposé le", "en": "Uploaded"},
    "equip.doc.par": {"fr": "Par", "en": "By"},
    "equip.doc.description": {"fr": "Description", "en": "Description"},
    "equip.doc.intervention": {"fr": "Intervention", "en": "Intervention"},
    # Lifecycle
    "equip.lifecycle.title": {"fr": "Changer le statut", "en": "Change status"},
    "equip.lifecycle.to": {"fr": "Passer en « {label} »", "en": "Set to “{label}”"},
    "equip.lifecycle.final": {
        "fr": "Équipement retiré : son statut est définitif.",
        "en": "Retired equipment: its status is final.",
    },
    "equip.lifecycle.confirm_retire": {
        "fr": "Retirer « {nom} » du parc ? Ce statut est définitif : plus aucune intervention"
        " ne pourra être créée sur cet équipement.",
        "en": "Retire “{nom}”? This is final: no new intervention can be created on it.",
    },
    "equip.lifecycle.confirm": {"fr": "Confirmer le retrait", "en": "Confirm retirement"},
    "equip.lifecycle.done": {
        "fr": "Statut changé : {label}.",
        "en": "Status changed: {label}.",
    },
    # Create / edit
    "equip.create.submit": {"fr": "Créer l'équipement", "en": "Create equipment"},
    "equip.created": {"fr": "Équipement « {nom} » créé.", "en": "Equipment “{nom}” created."},
    "equip.edit.submit": {"fr": "Enregistrer les modifications", "en": "Save changes"},
    "equip.edit.reload": {"fr": "Recharger la fiche", "en": "Reload the record"},
    "equip.edit.saved": {"fr": "Modifications enregistrées.", "en": "Changes saved."},
    "equip.edit.version": {
        "fr": "Version chargée le {date}.",
        "en": "Version loaded on {date}.",
    },
    # Import
    "equip.import.intro": {
        "fr": "Importez des équipements depuis un fichier CSV (UTF-8, séparateur « ; » ou"
        " « , »). Le client est désigné par le nom exact de l'entreprise, les dates au format"
        " jj/mm/aaaa. Si une seule ligne est incorrecte, rien n'est importé.",
        "en": "Import equipment from a CSV file (UTF-8, “;” or “,” separated). The customer is"
        " the exact company name, dates are dd/mm/yyyy. If a single line is wrong, nothing is"
        " imported.",
    },
    "equip.import.template": {"fr": "Télécharger le modèle", "en": "Download the template"},
    "equip.import.file": {"fr": "Fichier CSV", "en": "CSV file"},
    "equip.import.submit": {"fr": "Importer", "en": "Import"},
    "equip.import.done": {
        "fr": "{n} équipement(s) importé(s).",
        "en": "{n} equipment item(s) imported.",
    },
    "equip.import.failed": {
        "fr": "Import refusé : {n} erreur(s) sur {rows} ligne(s). Rien n'a été importé.",
        "en": "Import refused: {n} error(s) in {rows} line(s). Nothing was imported.",
    },
    "equip.import.more_errors": {
        "fr": "Seules les {shown} premières erreurs sont listées.",
        "en": "Only the first {shown} errors are listed.",
    },
    "equip.import.col.line": {"fr": "Ligne", "en": "Line"},
    "equip.import.col.column": {"fr": "Colonne", "en": "Column"},
    "equip.import.col.message": {"fr": "Erreur", "en": "Error"},
    "equip.import.report": {
        "fr": "Télécharger le rapport d'erreurs",
        "en": "Download the error report",
    },
    "equip.import.no_file": {"fr": "Choisissez d'abord un fichier.", "en": "Choose a file first."},
    # QR label
    "equip.qr.intro": {
        "fr": "Étiquette à imprimer et coller sur la machine : le QR code ouvre sa fiche.",
        "en": "Label to print and stick on the machine: the QR code opens its record.",
    },
    "equip.qr.png": {"fr": "Télécharger l'étiquette (PNG)", "en": "Download the label (PNG)"},
    "equip.qr.svg": {"fr": "Télécharger le QR code (SVG)", "en": "Download the QR code (SVG)"},
    "equip.qr.link": {"fr": "Lien encodé : {url}", "en": "Encoded link: {url}"},
}
