"""Random command sequences on a fallout case: statuses move only along the edges, and a
resolved or cancelled case never changes again."""

from __future__ import annotations

from collections.abc import Callable

from domain_builders import agent
from fallout_builders import NOW, open_case, operator, service
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.domain.fallout import FALLOUT_EDGES, FalloutCase
from oms.domain.fulfillment import FulfillmentPlan
from oms.domain.shared import DomainError

COMMANDS: list[Callable[[FalloutCase, FulfillmentPlan], object]] = [
    lambda c, p: c.assign(operator(), now=NOW),
    lambda c, p: c.update_repair_data(operator(), data={"k": "v"}, now=NOW),
    lambda c, p: c.retry_task(operator(), p, now=NOW),
    lambda c, p: c.complete_task_manually(operator(), p, evidence="e", now=NOW),
    lambda c, p: c.complete_task_manually(operator(), p, evidence="", now=NOW),
    lambda c, p: c.skip_task(operator(), p, reason="r", now=NOW),
    lambda c, p: c.cancel_order(operator(), p, reason="r", now=NOW),
    lambda c, p: c.withdraw(service(), reason="r", now=NOW),
    lambda c, p: c.retry_task(agent(), p, now=NOW),
]


# database=None: no example database written into the source tree; max_examples keeps the folder fast.
@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.integers(0, len(COMMANDS) - 1), max_size=12))
def test_random_commands_move_a_case_only_along_the_edges(steps: list[int]) -> None:
    # given
    case, plan = open_case()
    for step in steps:
        before = case.status
        # when
        try:
            COMMANDS[step](case, plan)
        except DomainError:
            assert case.status is before
        # then
        if case.status is not before:
            assert (before, case.status) in FALLOUT_EDGES
        if before.is_final:
            assert case.status is before
