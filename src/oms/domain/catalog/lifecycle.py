"""TMF620 lifecycle status of catalog entities.

TMF620 lists the statuses in its user guide (In Study, In Design, In Test, Active, Launched,
Retired, Obsolete, Rejected) without an enum in the API; we use camelCase spellings as TMF648
does for quote states. Only ``active`` and ``launched`` offerings may be sold: "launched" is the
step after "active" in TMF's life cycle (on the market), so refusing it would make a launched
offering unsellable."""

from __future__ import annotations

from enum import StrEnum


class LifecycleStatus(StrEnum):
    IN_STUDY = "inStudy"
    IN_DESIGN = "inDesign"
    IN_TEST = "inTest"
    ACTIVE = "active"
    LAUNCHED = "launched"
    RETIRED = "retired"
    OBSOLETE = "obsolete"
    REJECTED = "rejected"

    @property
    def is_sellable(self) -> bool:
        return self in _SELLABLE


_SELLABLE = frozenset({LifecycleStatus.ACTIVE, LifecycleStatus.LAUNCHED})
