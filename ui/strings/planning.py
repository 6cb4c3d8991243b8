"""Strings of the planning page (calendar, per-technician grid, slots, absences, agenda)."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.planning": {"fr": "Planning", "en": "Planning"},
    "plan.title": {"fr": "Planning", "en": "Planning"},
    "plan.error": {
        "fr": "Le planning n'a pas pu être chargé.",
        "en": "The planning could not be loaded.",
    },
    # Period and filters
    "plan.mode": {"fr": "Affichage", "en": "Display"},
    "plan.mode.semaine": {"fr": "Semaine", "en": "Week"},
    "plan.mode.mois": {"fr": "Mois", "en": "Month"},
    "plan.mode.jour": {"fr": "Jour", "en": "Day"},
    "plan.date": {"fr": "Date affichée", "en": "Shown date"},
    "plan.prev": {"fr": "Précédent", "en": "Previous"},
    "plan.next": {"fr": "Suivant", "en": "Next"},
    "plan.today": {"fr": "Aujourd'hui", "en": "Today"},
    "plan.range": {"fr": "Du {debut} au {fin}", "en": "From {debut} to {fin}"},
    "plan.filters": {"fr": "Filtres", "en": "Filters"},
    "plan.f.tech": {"fr": "Techniciens", "en": "Technicians"},
    "plan.f.equipe": {"fr": "Équipe", "en": "Team"},
    "plan.f.zone": {"fr": "Zone", "en": "Area"},
    "plan.f.client": {"fr": "Client", "en": "Customer"},
    "plan.f.all": {"fr": "Toutes", "en": "All"},
    "plan.f.all_clients": {"fr": "Tous les clients", "en": "All customers"},
    "plan.f.placeholder": {"fr": "Tous", "en": "All"},
    "plan.count": {
        "fr": "{n} créneau(x), {a} absence(s) sur la période",
        "en": "{n} slot(s), {a} absence(s) in the period",
    },
    "plan.truncated": {
        "fr": "Affichage limité : précisez les filtres ou réduisez la période.",
        "en": "Display limited: narrow the filters or the period.",
    },
    "plan.legend": {
        "fr": "Couleur : priorité (rouge urgente, orange haute, bleu normale, vert basse) ;"
        " gris : absence ; un créneau confirmé est marqué ✔.",
        "en": "Colour: priority (red urgent, orange high, blue normal, green low);"
        " grey: absence; a confirmed slot is marked ✔.",
    },
    "plan.absence_event": {"fr": "Absence · {nom} ({motif})", "en": "Absence · {nom} ({motif})"},
    "plan.drag_done": {"fr": "Créneau déplacé.", "en": "Slot moved."},
    "plan.tpage": {
        "fr": "Techniciens {a}–{b} sur {n} (choisissez-en, ou une équipe, une zone, un client)",
        "en": "Technicians {a}–{b} of {n} (choose some, or a team, an area, a customer)",
    },
    "plan.default.equipe": {
        "fr": "Beaucoup de techniciens : le planning s'ouvre sur l'équipe « {equipe} »."
        " Choisissez une autre équipe, ou « Toutes », dans les filtres.",
        "en": "Many technicians: the planning opens on the team “{equipe}”."
        " Choose another team, or “All”, in the filters.",
    },
    "plan.default.tech": {
        "fr": "Beaucoup de techniciens : le planning s'ouvre sur {nom}."
        " Choisissez d'autres techniciens, une équipe ou une zone dans les filtres.",
        "en": "Many technicians: the planning opens on {nom}."
        " Choose other technicians, a team or an area in the filters.",
    },
    "plan.tpage.prev": {"fr": "Techniciens précédents", "en": "Previous technicians"},
    "plan.tpage.next": {"fr": "Techniciens suivants", "en": "Next technicians"},
    # Tabs
    "plan.tab.detail": {"fr": "Créneau", "en": "Slot"},
    "plan.tab.grid": {"fr": "Par technicien", "en": "By technician"},
    "plan.tab.absences": {"fr": "Absences", "en": "Absences"},
    # Per-technician grid
    "plan.grid.caption": {
        "fr": "Une ligne par technicien, une colonne par jour de la semaine du {d} ;"
        " une case vide : libre.",
        "en": "One row per technician, one column per day of the week of {d}; an empty cell: free.",
    },
    "plan.grid.tech": {"fr": "Technicien", "en": "Technician"},
    "plan.grid.dispo": {"fr": "Aujourd'hui", "en": "Today"},
    "plan.grid.empty": {"fr": "Aucun technicien.", "en": "No technician."},
    "plan.dispo.disponible": {"fr": "Disponible", "en": "Available"},
    "plan.dispo.occupe": {"fr": "Occupé", "en": "Busy"},
    "plan.dispo.conge": {"fr": "Congé", "en": "Leave"},
    "plan.dispo.formation": {"fr": "Formation", "en": "Training"},
    "plan.dispo.indisponible": {"fr": "Indisponible", "en": "Unavailable"},
    # Unplanned
    "plan.unplanned": {"fr": "À planifier · {n}", "en": "To plan · {n}"},
    "plan.unplanned.empty": {
        "fr": "Toutes les interventions ouvertes ou affectées sont planifiées.",
        "en": "Every open or assigned work order is planned.",
    },
    "plan.unplanned.line": {
        "fr": "n° {id} · {titre} — {machine}, {client} · priorité {prio}{urg}{lim} · {tech}",
        "en": "#{id} · {titre} — {machine}, {client} · {prio} priority{urg}{lim} · {tech}",
    },
    "plan.unplanned.urgent": {"fr": " · URGENT", "en": " · URGENT"},
    "plan.unplanned.deadline": {"fr": " · échéance {d}", "en": " · due {d}"},
    "plan.no_tech": {"fr": "non affectée", "en": "unassigned"},
    # Create a slot
    "plan.new": {"fr": "Planifier une intervention", "en": "Plan a work order"},
    "plan.new.itv": {"fr": "Intervention", "en": "Work order"},
    "plan.new.tech": {"fr": "Technicien", "en": "Technician"},
    "plan.new.tech_keep": {"fr": "Celui de l'intervention", "en": "The work order's"},
    "plan.new.tech_help": {
        "fr": "Un autre technicien que celui de l'intervention l'y affecte (principal).",
        "en": "Another technician than the work order's is assigned to it (principal).",
    },
    "plan.f.day": {"fr": "Jour", "en": "Day"},
    "plan.f.start": {"fr": "Heure de début", "en": "Start time"},
    "plan.f.duration": {"fr": "Durée (heures)", "en": "Duration (hours)"},
    "plan.f.creneau": {"fr": "Libellé du créneau", "en": "Slot label"},
    "plan.f.notes": {"fr": "Notes de planification", "en": "Planning notes"},
    "plan.new.submit": {"fr": "Planifier", "en": "Plan"},
    "plan.new.done": {
        "fr": "Intervention n° {id} planifiée le {d}.",
        "en": "Work order #{id} planned on {d}.",
    },
    "plan.new.none": {
        "fr": "Aucune intervention à planifier.",
        "en": "No work order to plan.",
    },
    # Slot detail
    "plan.slot.pick": {"fr": "Créneau de la période", "en": "Slot in the period"},
    "plan.slot.none": {
        "fr": "Aucun créneau sur la période affichée.",
        "en": "No slot in the shown period.",
    },
    "plan.slot.choose": {"fr": "Choisir un créneau", "en": "Choose a slot"},
    "plan.slot.line": {
        "fr": "{debut} → {fin} · n° {id} {titre} · {tech}",
        "en": "{debut} → {fin} · #{id} {titre} · {tech}",
    },
    "plan.slot.head": {
        "fr": "**n° {id} · {titre}** — {machine}, {client}",
        "en": "**#{id} · {titre}** — {machine}, {client}",
    },
    "plan.slot.when": {
        "fr": "Du {debut} au {fin} · {tech} · {statut} · {conf}",
        "en": "From {debut} to {fin} · {tech} · {statut} · {conf}",
    },
    "plan.slot.confirmed": {"fr": "confirmé", "en": "confirmed"},
    "plan.slot.unconfirmed": {"fr": "non confirmé", "en": "not confirmed"},
    "plan.slot.move": {"fr": "Déplacer / redimensionner", "en": "Move / resize"},
    "plan.slot.move.submit": {"fr": "Déplacer", "en": "Move"},
    "plan.slot.moved": {"fr": "Créneau déplacé au {d}.", "en": "Slot moved to {d}."},
    "plan.slot.annotate": {"fr": "Annoter", "en": "Annotate"},
    "plan.slot.annotate.submit": {"fr": "Enregistrer les notes", "en": "Save the notes"},
    "plan.slot.annotated": {"fr": "Notes du créneau enregistrées.", "en": "Slot notes saved."},
    "plan.slot.confirm": {"fr": "Confirmer le créneau", "en": "Confirm the slot"},
    "plan.slot.unconfirm": {"fr": "Retirer la confirmation", "en": "Withdraw confirmation"},
    "plan.slot.confirmed_done": {"fr": "Créneau confirmé.", "en": "Slot confirmed."},
    "plan.slot.unconfirmed_done": {
        "fr": "Confirmation du créneau retirée.",
        "en": "Slot confirmation withdrawn.",
    },
    "plan.slot.delete": {"fr": "Supprimer le créneau", "en": "Delete the slot"},
    "plan.slot.delete_sure": {
        "fr": "Oui, supprimer ce créneau (l'intervention redevient à planifier)",
        "en": "Yes, delete this slot (the work order is to plan again)",
    },
    "plan.slot.delete_need": {
        "fr": "Cochez la confirmation pour supprimer le créneau.",
        "en": "Tick the confirmation to delete the slot.",
    },
    "plan.slot.deleted": {"fr": "Créneau supprimé.", "en": "Slot deleted."},
    "plan.open": {"fr": "Ouvrir l'intervention", "en": "Open the work order"},
    # Absences
    "plan.abs.list": {"fr": "Absences de la période · {n}", "en": "Absences in the period · {n}"},
    "plan.abs.empty": {"fr": "Aucune absence sur la période.", "en": "No absence in the period."},
    "plan.abs.line": {
        "fr": "{nom} · {motif} · du {debut} au {fin}{notes}",
        "en": "{nom} · {motif} · from {debut} to {fin}{notes}",
    },
    "plan.abs.new": {"fr": "Nouvelle absence", "en": "New absence"},
    "plan.abs.tech": {"fr": "Technicien", "en": "Technician"},
    "plan.abs.start_day": {"fr": "Premier jour", "en": "First day"},
    "plan.abs.start_time": {"fr": "Heure de début", "en": "Start time"},
    "plan.abs.end_day": {"fr": "Dernier jour", "en": "Last day"},
    "plan.abs.end_time": {"fr": "Heure de fin", "en": "End time"},
    "plan.abs.motif": {"fr": "Motif", "en": "Reason"},
    "plan.abs.notes": {"fr": "Notes", "en": "Notes"},
    "plan.abs.submit": {"fr": "Enregistrer l'absence", "en": "Save the absence"},
    "plan.abs.done": {"fr": "Absence enregistrée.", "en": "Absence saved."},
    "plan.abs.conflicts": {
        "fr": "Cette absence tombe sur {n} créneau(x) planifié(s) :",
        "en": "This absence falls on {n} planned slot(s):",
    },
    "plan.abs.conflict_line": {
        "fr": "n° {id} · {titre} · du {debut} au {fin}",
        "en": "#{id} · {titre} · from {debut} to {fin}",
    },
    "plan.abs.confirm": {
        "fr": "Les {n} créneaux seront supprimés : je confirme l'absence",
        "en": "The {n} slots will be deleted: I confirm the absence",
    },
    "plan.abs.confirm_need": {
        "fr": "Cochez la confirmation : les {n} créneaux seront supprimés.",
        "en": "Tick the confirmation: the {n} slots will be deleted.",
    },
    "plan.abs.delete_pick": {"fr": "Absence à supprimer", "en": "Absence to delete"},
    "plan.abs.delete_sure": {
        "fr": "Oui, supprimer cette absence",
        "en": "Yes, delete this absence",
    },
    "plan.abs.delete": {"fr": "Supprimer l'absence", "en": "Delete the absence"},
    "plan.abs.delete_need": {
        "fr": "Cochez la confirmation pour supprimer l'absence.",
        "en": "Tick the confirmation to delete the absence.",
    },
    "plan.abs.deleted": {"fr": "Absence supprimée.", "en": "Absence deleted."},
    # Technician agenda
    "plan.agenda": {"fr": "Mon planning", "en": "My planning"},
    "plan.agenda.today": {"fr": "Aujourd'hui · {n}", "en": "Today · {n}"},
    "plan.agenda.week": {"fr": "Cette semaine · {n}", "en": "This week · {n}"},
    "plan.agenda.empty": {"fr": "Aucun créneau.", "en": "No slot."},
    "plan.agenda.absent": {
        "fr": "Absent : {motif}, du {debut} au {fin}",
        "en": "Absent: {motif}, from {debut} to {fin}",
    },
    "plan.agenda.line": {
        "fr": "**{debut} → {fin}** · n° {id} {titre} — {machine}, {client}{creneau}",
        "en": "**{debut} → {fin}** · #{id} {titre} — {machine}, {client}{creneau}",
    },
    "plan.agenda.not_tech": {
        "fr": "Seul un technicien a un agenda.",
        "en": "Only a technician has an agenda.",
    },
}
