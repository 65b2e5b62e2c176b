"""Fallout: business exceptions of fulfillment tasks and their repair by operators."""

from oms.domain.fallout.authorization import can_handle_fallout, can_open_fallout, can_withdraw_fallout
from oms.domain.fallout.errors import ReasonRequired, RepairNotApplicable, TaskNotFailed, WrongPlan
from oms.domain.fallout.events import (
    FalloutCaseAssigned,
    FalloutCaseCancelled,
    FalloutCaseId,
    FalloutCaseOpened,
    FalloutCaseResolved,
    FalloutRepairDataUpdated,
)
from oms.domain.fallout.lifecycle import (
    FALLOUT_ALLOWED_FROM,
    FALLOUT_EDGES,
    FALLOUT_TARGET,
    FalloutAction,
    FalloutCategory,
    FalloutStatus,
    RepairKind,
)
from oms.domain.fallout.model import FalloutCase, Repair

__all__ = [
    "FALLOUT_ALLOWED_FROM",
    "FALLOUT_EDGES",
    "FALLOUT_TARGET",
    "FalloutAction",
    "FalloutCase",
    "FalloutCaseAssigned",
    "FalloutCaseCancelled",
    "FalloutCaseId",
    "FalloutCaseOpened",
    "FalloutCaseResolved",
    "FalloutCategory",
    "FalloutRepairDataUpdated",
    "FalloutStatus",
    "ReasonRequired",
    "Repair",
    "RepairKind",
    "RepairNotApplicable",
    "TaskNotFailed",
    "WrongPlan",
    "can_handle_fallout",
    "can_open_fallout",
    "can_withdraw_fallout",
]
