"""The default decomposition rules for the demo telecom catalog (``oms.domain.catalog.demo``).

Fiber first: the port is reserved, then the line provisioned, then billed. A static IP and the TV
ride on the line, so they are provisioned after it (when the same order brings it). Devices are
reserved from stock and shipped; the technician visit is booked once the port is known. Bundles
carry no tasks of their own: their children do the work."""

from __future__ import annotations

from oms.domain.catalog.demo import FIBER_TV_BUNDLE
from oms.domain.fulfillment.rules import DecompositionRule, ProductChange, ProductKind, RuleSet, TaskRule
from oms.domain.fulfillment.tasks import TaskType
from oms.domain.shared.ids import SpecificationId

FIBER = ProductKind("fiber-broadband")
STATIC_IP = ProductKind("static-ip")
ROUTER = ProductKind("router")
TV = ProductKind("tv")
INSTALLATION = ProductKind("installation")
BUNDLE = ProductKind("bundle")

T = TaskType
ADD, MODIFY, DELETE = ProductChange.ADD, ProductChange.MODIFY, ProductChange.DELETE
NONE: tuple[str, ...] = ()  # the task needs no characteristic


def _modify(kind: ProductKind) -> DecompositionRule:
    return DecompositionRule(
        kind,
        MODIFY,
        (
            TaskRule(T.MODIFY_SERVICE),
            TaskRule(T.UPDATE_BILLING, after=(T.MODIFY_SERVICE,), parameters=NONE, with_price=True),
        ),
    )


def _delete_service(kind: ProductKind, *, release: bool) -> DecompositionRule:
    # Billing stops first so the customer is never charged for a service already gone.
    tasks = [
        TaskRule(T.DEACTIVATE_BILLING, parameters=NONE),
        TaskRule(T.DEPROVISION_SERVICE, after=(T.DEACTIVATE_BILLING,), parameters=NONE),
    ]
    if release:
        tasks.append(TaskRule(T.RELEASE_RESOURCE, after=(T.DEPROVISION_SERVICE,), parameters=NONE))
    return DecompositionRule(kind, DELETE, tuple(tasks))


RULES = (
    DecompositionRule(
        FIBER,
        ADD,
        (
            TaskRule(T.RESERVE_RESOURCE, parameters=("technology",)),
            TaskRule(T.PROVISION_SERVICE, after=(T.RESERVE_RESOURCE,)),
            TaskRule(T.ACTIVATE_BILLING, after=(T.PROVISION_SERVICE,), parameters=NONE, with_price=True),
        ),
    ),
    _modify(FIBER),
    _delete_service(FIBER, release=True),
    DecompositionRule(
        STATIC_IP,
        ADD,
        (
            TaskRule(T.RESERVE_RESOURCE, parameters=("addressCount",)),
            TaskRule(T.PROVISION_SERVICE, after=(T.RESERVE_RESOURCE,), after_other=((FIBER, T.PROVISION_SERVICE),)),
            TaskRule(T.ACTIVATE_BILLING, after=(T.PROVISION_SERVICE,), parameters=NONE, with_price=True),
        ),
    ),
    _modify(STATIC_IP),
    _delete_service(STATIC_IP, release=True),
    DecompositionRule(
        ROUTER,
        ADD,
        (
            TaskRule(T.RESERVE_RESOURCE, parameters=NONE),
            TaskRule(T.SHIP_DEVICE, after=(T.RESERVE_RESOURCE,), parameters=NONE),
            # Rent or buy changes only the charge, so only billing carries it.
            TaskRule(T.ACTIVATE_BILLING, after=(T.SHIP_DEVICE,), parameters=("acquisition",), with_price=True),
        ),
    ),
    DecompositionRule(ROUTER, MODIFY, (TaskRule(T.UPDATE_BILLING, parameters=("acquisition",), with_price=True),)),
    DecompositionRule(ROUTER, DELETE, (TaskRule(T.DEACTIVATE_BILLING, parameters=NONE),)),
    DecompositionRule(
        TV,
        ADD,
        (
            TaskRule(T.PROVISION_SERVICE, parameters=("channelPackage",), after_other=((FIBER, T.PROVISION_SERVICE),)),
            TaskRule(T.RESERVE_RESOURCE, parameters=("setTopBoxes",)),
            TaskRule(T.SHIP_DEVICE, after=(T.RESERVE_RESOURCE,), parameters=("setTopBoxes",)),
            TaskRule(T.ACTIVATE_BILLING, after=(T.PROVISION_SERVICE, T.SHIP_DEVICE), parameters=NONE, with_price=True),
        ),
    ),
    _modify(TV),
    _delete_service(TV, release=False),
    DecompositionRule(
        INSTALLATION,
        ADD,
        (
            TaskRule(T.SCHEDULE_INSTALLATION, after_other=((FIBER, T.RESERVE_RESOURCE),)),
            TaskRule(T.ACTIVATE_BILLING, after=(T.SCHEDULE_INSTALLATION,), parameters=NONE, with_price=True),
        ),
    ),
    # An installation is a one-off service: it cannot be modified or deleted once ordered.
    DecompositionRule(BUNDLE, ADD, ()),
    DecompositionRule(BUNDLE, MODIFY, ()),
    DecompositionRule(BUNDLE, DELETE, ()),
)

KIND_BY_SPECIFICATION = {
    SpecificationId("ps-fiber"): FIBER,
    SpecificationId("ps-static-ip"): STATIC_IP,
    SpecificationId("ps-router"): ROUTER,
    SpecificationId("ps-tv"): TV,
    SpecificationId("ps-installation"): INSTALLATION,
}


def demo_rules() -> RuleSet:
    return RuleSet("demo-telecom", RULES, KIND_BY_SPECIFICATION, {FIBER_TV_BUNDLE: BUNDLE})
