"""planning_conflicts: absences, double booking refused by the database, preventive plans.

* ``btree_gist`` (trusted extension);
* ``absences`` (technician, period, ``motif_absence`` reason, notes) and its rows in
  ``db/access/matrix.csv``;
* ``planning_occupations``: who is busy when, kept by triggers from ``planning`` (every
  technician of the intervention, principal and assistants), ``intervention_techniciens``,
  the intervention's status (cancelled / archived work occupies nobody) and ``absences``; its
  exclusion constraint ``excl_occupation_chevauchement`` refuses two overlapping periods of a
  technician whatever path writes, race-free, and ``occupation_reserve`` says in French which
  intervention or absence is in the way;
* ``planning``: a slot lasts at most 14 days (``ck_planning_duree``), is never created or moved
  on a cancelled or archived intervention (``planning_intervention_close``), and
  ``interventions.date_planifiee`` is its start in both directions;
* ``technicien_disponibilite_effective(id, at)``: availability today follows the absences;
* ``equipements.intervalle_maintenance_jours`` (the preventive plan), at most one open
  preventive intervention per machine (``uq_intervention_preventive_ouverte``; on an existing
  database the extra ones are cancelled first: the one furthest along, then due first, is kept), the machines due
  as an index range, and closing a preventive intervention moves ``prochaine_maintenance``
  forward by the interval.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection, text

from db import access, sqlfiles

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_FILES = (
    "planning/sql/ext_btree_gist.sql",
    "planning/sql/tbl_absences.sql",
    "planning/sql/tbl_planning_occupations.sql",
    "planning/sql/ck_planning_duree.sql",
    "planning/sql/fn_occupation_reserve.sql",
    "planning/sql/trg_planning_guard.sql",
    "planning/sql/trg_planning_occupations.sql",
    "planning/sql/trg_planning_date_planifiee.sql",
    "planning/sql/trg_intervention_date_planifiee.sql",
    "planning/sql/trg_intervention_techniciens_occupations.sql",
    "planning/sql/trg_intervention_statut_occupations.sql",
    "planning/sql/trg_absence_occupations.sql",
    "planning/sql/fn_technicien_disponibilite.sql",
    "equipment/sql/ck_equipement_intervalle_maintenance.sql",
    "equipment/sql/idx_equipement_prochaine_maintenance.sql",
    "equipment/sql/uq_intervention_preventive_ouverte.sql",
    "equipment/sql/trg_intervention_preventive_closed.sql",
)

# The occupations of the slots already planned (live interventions only), set-wise: the
# exclusion constraint checks the existing planning as it is filled.
BACKFILL = """
INSERT INTO planning_occupations (technicien_id, periode, planning_id, intervention_id)
SELECT it.technicien_id, tstzrange(p.date_debut, p.date_fin), p.id, p.intervention_id
  FROM planning p
  JOIN interventions i ON i.id = p.intervention_id
  JOIN intervention_techniciens it ON it.intervention_id = p.intervention_id
 WHERE i.statut NOT IN ('annulee', 'archivee')
"""


# A database that already holds two open preventive interventions on one machine would fail
# uq_intervention_preventive_ouverte: keep the one furthest along (work in progress is never
# thrown away: en_cours, then en_attente, then affectee), then the one due first (earliest
# deadline, then the oldest), and cancel the others, set-wise, before the index. The audit trigger writes each
# cancellation's 'changement_statut' row with this reason (app.motif_statut, as a pause's
# motif); the status rules allow cancelling from every open status.
DUPLICATE_PREVENTIVE_MOTIF = (
    "doublon de maintenance préventive : une seule intervention préventive ouverte par"
    " machine, la plus avancée puis celle de la première échéance est gardée (mise à jour 0014)"
)
CANCEL_DUPLICATE_PREVENTIVES = """
UPDATE interventions i SET statut = 'annulee'
  FROM (SELECT id, row_number() OVER (PARTITION BY equipement_id
                                      ORDER BY CASE statut WHEN 'en_cours' THEN 0
                                                        WHEN 'en_attente' THEN 1
                                                        WHEN 'affectee' THEN 2 ELSE 3 END,
                                               date_limite NULLS LAST, date_creation, id) AS rang
          FROM interventions
         WHERE type_intervention = 'preventive'
           AND statut IN ('ouverte', 'affectee', 'en_cours', 'en_attente')) d
 WHERE d.id = i.id AND d.rang > 1
"""


def cancel_duplicate_preventives(bind: Connection) -> None:
    """Cancel all but one open preventive intervention per machine (see above)."""
    bind.execute(
        text("SELECT set_config('app.motif_statut', :m, true)"),
        {"m": DUPLICATE_PREVENTIVE_MOTIF},
    )
    bind.execute(text(CANCEL_DUPLICATE_PREVENTIVES))
    # transaction-local, but later revisions run in the same transaction: not their motif
    bind.execute(text("SELECT set_config('app.motif_statut', '', true)"))


def upgrade() -> None:
    bind = op.get_bind()
    cancel_duplicate_preventives(bind)
    sqlfiles.apply(bind, *SQL_FILES)
    op.execute(BACKFILL)
    access.apply(bind)


def downgrade() -> None:
    bind = op.get_bind()
    sqlfiles.drop(bind, *SQL_FILES)
    access.apply(bind)
