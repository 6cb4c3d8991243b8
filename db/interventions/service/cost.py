"""Actual cost of an intervention: parts used plus labour.

Parts = the sum of ``quantite × prix_unitaire`` of its ``intervention_pieces`` lines (the price
recorded when the part was used, not today's catalogue price). Labour = ``duree_reelle``
(hours) × the hourly rate of the configuration (``MIF_TAUX_HORAIRE_MAD``, default 250 MAD).
Computed on demand; writing ``cout_reel`` when closing is the closing service's choice (it can
store ``compute_cost(...).total``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.interventions.service._shared import find_intervention
from db.stock.models import InterventionPiece

DEFAULT_HOURLY_RATE = Decimal("250")
CENT = Decimal("0.01")


def hourly_rate() -> Decimal:
    """Labour rate in MAD per hour (``MIF_TAUX_HORAIRE_MAD``; a bad value → 250)."""
    raw = os.environ.get("MIF_TAUX_HORAIRE_MAD", "").strip().replace(",", ".")
    if not raw:
        return DEFAULT_HOURLY_RATE
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        return DEFAULT_HOURLY_RATE
    if not rate.is_finite() or rate < 0 or rate > 100_000:
        return DEFAULT_HOURLY_RATE
    return rate.quantize(CENT)


@dataclass(frozen=True)
class CostBreakdown:
    """Actual cost of one intervention, in MAD."""

    parts_total: Decimal
    parts_lines: int
    labour_hours: Decimal | None  # None: no actual duration yet
    hourly_rate: Decimal
    labour_total: Decimal

    @property
    def total(self) -> Decimal:
        """Parts plus labour."""
        return self.parts_total + self.labour_total


def compute_cost(*, session: Session, intervention_id: Any) -> CostBreakdown:
    """Parts + labour of an intervention the user may see (one aggregate, index on the key)."""
    intervention = find_intervention(session, intervention_id)
    line_total = InterventionPiece.quantite * InterventionPiece.prix_unitaire
    parts_total, lines = session.execute(
        select(
            func.coalesce(func.sum(line_total), 0),
            func.count(),
        ).where(InterventionPiece.intervention_id == intervention.id)
    ).one()
    rate = hourly_rate()
    hours = intervention.duree_reelle
    labour = (Decimal(hours) * rate).quantize(CENT) if hours is not None else Decimal("0.00")
    return CostBreakdown(
        parts_total=Decimal(parts_total).quantize(CENT),
        parts_lines=int(lines),
        labour_hours=Decimal(hours) if hours is not None else None,
        hourly_rate=rate,
        labour_total=labour,
    )
