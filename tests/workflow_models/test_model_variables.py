"""The variable rule: only declared names, only small values. Every model test obeys it (the
suite's conftest checks after each test); these tests prove the check sees what it must."""

from __future__ import annotations

import pytest
from model_support import recorded_variable_problems, start_variables

from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import job_types, processes
from oms.workflow.processes import ORDER_FULFILLMENT
from oms.workflow.processes.variables import ALLOWED_VARIABLES, MAX_VARIABLE_BYTES, variable_problems


def test_every_process_declares_its_variables() -> None:
    assert set(ALLOWED_VARIABLES) == set(processes.PROCESS_IDS)


def test_declared_small_variables_pass() -> None:
    assert variable_problems(ORDER_FULFILLMENT, {"orderId": "o-1", "nextStep": "close", "falloutCaseId": None}) == []


def test_an_undeclared_name_is_a_problem() -> None:
    [problem] = variable_problems(ORDER_FULFILLMENT, {"orderId": "o-1", "order": "o-1"})
    assert "'order' is not allowed in order-fulfillment" in problem


def test_a_value_larger_than_the_limit_is_a_problem() -> None:
    [problem] = variable_problems(ORDER_FULFILLMENT, {"orderId": "x" * MAX_VARIABLE_BYTES})
    assert "'orderId'" in problem
    assert f"more than {MAX_VARIABLE_BYTES}" in problem


def test_a_variable_of_another_process_is_a_problem() -> None:
    assert variable_problems(ORDER_FULFILLMENT, {"approvalCaseId": "case-1"})


@pytest.mark.variables_unchecked
def test_the_check_sees_variables_a_worker_returns_even_when_no_output_keeps_them(models: ProcessTestHarness) -> None:
    # given: a worker returns the plan itself, and a local variable the model's outputs drop
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_DECOMPOSE).then_complete(
        {"nextStep": "close", "plan": [{"taskId": f"o-1:item-{n}:reserve-resource"} for n in range(10)]}
    )
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_CLOSE_ORDER).then_complete({"closedItems": 3})
    models.create_instance(ORDER_FULFILLMENT, start_variables(orderId="o-1"))
    models.run_until_idle()
    # when
    problems = recorded_variable_problems(models)
    # then
    assert any("'plan' is not allowed" in problem for problem in problems)
    assert any("'plan' of order-fulfillment has" in problem for problem in problems)
    assert any("'closedItems' is not allowed" in problem for problem in problems)
