"""What order commands need from persistence, as protocols (the unit of work exposes one of each).

Loading the same aggregate twice in one unit of work gives the same object (identity map); saving
is optimistic (``StaleVersion`` when someone saved first). A plan that a command will change is
loaded ``for_update``: workers finishing sibling tasks of one plan then take turns on its row
instead of failing on its version."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from oms.application.order_views import OrderSummary
from oms.application.queries.criteria import PageRequest
from oms.application.queries.order_criteria import CancellationFilter, FalloutFilter, OrderFilter
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.plan import FulfillmentPlan
from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.consistency import ExistingProduct
from oms.domain.order.model import ProductOrder


class OrderRepository(Protocol):
    def get(self, order_id: str) -> ProductOrder | None: ...

    def add(self, order: ProductOrder) -> None: ...

    def save(self, order: ProductOrder) -> None:
        """Raises ``StaleVersion`` when the stored version is no longer the one loaded."""
        ...

    def search(self, criteria: OrderFilter, page: PageRequest) -> tuple[list[OrderSummary], int]:
        """A page of matches (newest order date first) and the number of all matches."""
        ...

    def delivered_products(self, product_ids: Collection[str]) -> list[ExistingProduct]:
        """Those of ``product_ids`` that a completed order of the tenant created and no completed
        order deleted since: the product inventory the consistency check consults."""
        ...


class FulfillmentPlanRepository(Protocol):
    def get(self, plan_id: str, *, for_update: bool = False) -> FulfillmentPlan | None: ...

    def add(self, plan: FulfillmentPlan) -> None: ...

    def save(self, plan: FulfillmentPlan) -> None: ...


class CancellationRepository(Protocol):
    def get(self, request_id: str) -> CancelProductOrder | None: ...

    def add(self, request: CancelProductOrder) -> None: ...

    def save(self, request: CancelProductOrder) -> None: ...

    def search(self, criteria: CancellationFilter, page: PageRequest) -> tuple[list[CancelProductOrder], int]:
        """Newest first."""
        ...


class AmendmentRepository(Protocol):
    def get(self, request_id: str) -> ProductOrderAmendment | None: ...

    def add(self, amendment: ProductOrderAmendment) -> None: ...

    def save(self, amendment: ProductOrderAmendment) -> None: ...


class FalloutCaseRepository(Protocol):
    def get(self, case_id: str) -> FalloutCase | None: ...

    def add(self, case: FalloutCase) -> None: ...

    def save(self, case: FalloutCase) -> None: ...

    def live_case_of_task(self, plan_id: str, task_id: str) -> FalloutCase | None:
        """The open or in-repair case of the task, if any (at most one: a unique index)."""
        ...

    def search(self, criteria: FalloutFilter, page: PageRequest) -> tuple[list[FalloutCase], int]:
        """Newest first."""
        ...
