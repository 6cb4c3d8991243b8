"""Import every domain's models so ``Base.metadata`` is complete (Alembic, tests)."""

from db.base import Base
from db.billing import models as billing
from db.equipment import models as equipment
from db.interventions import models as interventions
from db.messaging import models as messaging
from db.people import models as people
from db.planning import models as planning
from db.reporting import models as reporting
from db.stock import models as stock

__all__ = [
    "Base",
    "billing",
    "equipment",
    "interventions",
    "messaging",
    "people",
    "planning",
    "reporting",
    "stock",
]
