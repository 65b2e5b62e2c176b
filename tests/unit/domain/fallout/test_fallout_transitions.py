"""Every (fallout status, command) pair: the new status or IllegalTransition naming the status,
with the case (and the plan) left untouched. The same table is in docs/domain-order.md."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fallout_builders import NOW, case_in, operator, service

from oms.domain.fallout import FALLOUT_EDGES, FALLOUT_TARGET, FalloutAction, FalloutCase, FalloutStatus
from oms.domain.fulfillment import FulfillmentPlan
from oms.domain.shared import IllegalTransition

A, F = FalloutAction, FalloutStatus

COMMANDS: dict[FalloutAction, Callable[[FalloutCase, FulfillmentPlan], object]] = {
    A.ASSIGN: lambda c, p: c.assign(operator(), now=NOW),
    A.UPDATE_REPAIR_DATA: lambda c, p: c.update_repair_data(operator(), data={"cabinet": "C-13"}, now=NOW),
    A.RETRY: lambda c, p: c.retry_task(operator(), p, now=NOW),
    A.COMPLETE_MANUALLY: lambda c, p: c.complete_task_manually(operator(), p, evidence="port patched", now=NOW),
    A.SKIP: lambda c, p: c.skip_task(operator(), p, reason="reserved by hand", now=NOW),
    A.CANCEL_ORDER: lambda c, p: c.cancel_order(operator(), p, reason="no coverage", now=NOW),
    A.WITHDRAW: lambda c, p: c.withdraw(service(), reason="moot", now=NOW),
}

ALLOWED: dict[tuple[FalloutStatus, FalloutAction], FalloutStatus] = {
    (status, action): FALLOUT_TARGET[action] or status for status in (F.OPEN, F.IN_REPAIR) for action in FalloutAction
}

PAIRS = [(status, action) for status in FalloutStatus for action in FalloutAction]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_status_and_command_pair(status: FalloutStatus, action: FalloutAction) -> None:
    # given
    case, plan = case_in(status)
    version, tasks = case.version, plan.tasks
    # when / then
    if (status, action) in ALLOWED:
        COMMANDS[action](case, plan)
        assert case.status is ALLOWED[status, action]
        assert case.version == version + 1
    else:
        with pytest.raises(IllegalTransition) as raised:
            COMMANDS[action](case, plan)
        assert raised.value.from_state == status
        assert (case.status, case.version, plan.tasks) == (status, version, tasks)


def test_the_table_moves_only_along_the_edges() -> None:
    # then
    moves = {(s, t) for (s, _), t in ALLOWED.items() if s is not t}
    assert moves == set(FALLOUT_EDGES)
    assert all(not status.is_final for status, _ in ALLOWED)
