"""Script task (``zeebe:script``): the FEEL expression's result goes to the result variable."""

from __future__ import annotations

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def test_sets_the_result_variable_and_completes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("script")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("calc", expression="=sum(items.price) * (1 + vat)", result_variable="total")
        .end_event("end")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"items": [{"price": 10}, {"price": 30}], "vat": 0.5})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("calc", "end").has_variable("total", 60)


def test_result_variable_updates_an_existing_variable(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("script-update")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("inc", expression="=counter + 1", result_variable="counter")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"counter": 41})
    # then
    process_test.assert_that(instance).is_completed().has_variable("counter", 42)


def test_script_with_output_mappings_keeps_the_result_local(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("script-outputs")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task(
            "calc",
            expression="={net: price, gross: price * 1.2}",
            result_variable="calc",
            outputs={"gross": "=calc.gross"},
        )
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"price": 100})
    # then
    process_test.assert_that(instance).is_completed().has_variable("gross", 120).has_no_variable("calc")


def test_script_result_may_be_null(process_test: ProcessTestHarness) -> None:
    # given: a missing variable evaluates to null in FEEL, which is not an error
    process_id = unique_id("script-null")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("calc", expression="=missing.value", result_variable="result")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_variable("result", None)


def test_failing_script_expression_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("script-fail")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("calc", expression="=unknownFunction(1)", result_variable="result")
        .end_event("end")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "calc")
    assert "unknownFunction" in incident.error_message
    process_test.assert_that(instance).has_no_variable("result").has_not_activated_elements("end")
