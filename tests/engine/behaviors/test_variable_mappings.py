"""Variable mappings and propagation (Zeebe rules): inputs create locals, outputs merge into the
flow scope, job/message variables go to the nearest scope that has them (else the root) unless
the element has output mappings, in which case they stay local and only the outputs leave."""

from __future__ import annotations

from oms.engine.commands.instances import CreatedInstance
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _variables_of(process_test: ProcessTestHarness, instance: CreatedInstance, element_id: str) -> dict[str, object]:
    """The variables held locally by the (single) instance of ``element_id``."""
    queries = process_test.engine.queries
    keys = {e.key for e in queries.element_instances(instance.process_instance_key) if e.element_id == element_id}
    assert len(keys) == 1, f"expected one instance of {element_id}, found {len(keys)}"
    return {v.name: v.value for v in queries.variables(instance.process_instance_key) if v.scope_key in keys}


def test_inputs_create_local_variables_the_job_sees(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inputs")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"amount": "=order.total", "currency": '="EUR"'})
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"order": {"total": 99}})
    # then
    job = process_test.activate_job(job_type)
    assert job.variables == {"order": {"total": 99}, "amount": 99, "currency": "EUR"}
    assert _variables_of(process_test, instance, "task") == {"amount": 99, "currency": "EUR"}
    process_test.assert_that(instance).has_no_variable("amount")


def test_later_inputs_see_earlier_inputs(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inputs-chain")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"a": "=x + 1", "b": "=a * 2"})
        .end_event()
        .done()
    )
    # when
    process_test.create_instance(process_id, {"x": 1})
    # then
    job = process_test.activate_job(job_type)
    assert (job.variables["a"], job.variables["b"]) == (2, 4)


def test_inputs_are_not_visible_at_the_root_after_completion(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inputs-local")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"local": "=1"})
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(job_type)
    # then
    process_test.assert_that(instance).is_completed().has_no_variable("local")


def test_input_shadowing_a_root_variable_leaves_the_root_untouched(process_test: ProcessTestHarness) -> None:
    # given: the input has the name of a root variable; the job updates it
    process_id = unique_id("inputs-shadow")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"status": '="local"'})
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id, {"status": "root"})
    # when: the nearest scope with 'status' is the task's own
    process_test.complete_job(job_type, {"status": "from-job"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("status", "root")


def test_outputs_are_merged_into_the_parent_scope(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("outputs")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task(
            "task", job_type=job_type, outputs={"total": "=net + tax", "order": '=context put(order, "paid", true)'}
        )
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id, {"order": {"id": "o-1"}})
    # when
    process_test.complete_job(job_type, {"net": 10, "tax": 2})
    # then: only the outputs leave the task
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_variable("total", 12)
        .has_variable("order", {"id": "o-1", "paid": True})
        .has_no_variable("net")
        .has_no_variable("tax")
    )
    assert _variables_of(process_test, instance, "task") == {"net": 10, "tax": 2}


def test_job_variables_without_outputs_go_to_the_root(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("propagate")
    job_type = f"{process_id}.work"
    process_test.deploy(process(process_id).start_event().service_task("task", job_type=job_type).end_event().done())
    instance = process_test.create_instance(process_id, {"existing": 1})
    # when
    process_test.complete_job(job_type, {"existing": 2, "fresh": "yes"})
    # then
    process_test.assert_that(instance).is_completed().has_variable("existing", 2).has_variable("fresh", "yes")
    assert _variables_of(process_test, instance, "task") == {}


def test_job_variables_update_the_nearest_scope_that_has_them(process_test: ProcessTestHarness) -> None:
    # given: 'counter' is a local input of the task; 'other' exists nowhere
    process_id = unique_id("propagate-nearest")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"counter": "=0"})
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id, {"counter": 100})
    # when
    job = process_test.complete_job(job_type, {"counter": 1, "other": True})
    # then
    assert job.variables["counter"] == 0
    process_test.assert_that(instance).is_completed().has_variable("counter", 100).has_variable("other", True)
    assert _variables_of(process_test, instance, "task") == {"counter": 1}


def test_failing_input_mapping_raises_an_io_mapping_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("inputs-fail")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"x": "=unknownFunction(1)"})
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("IO_MAPPING_ERROR", "task")
    assert "unknownFunction" in incident.error_message
    assert process_test.engine.queries.jobs(instance.process_instance_key) == []
    assert _variables_of(process_test, instance, "task") == {}


def test_input_mapping_to_null_is_not_an_error(process_test: ProcessTestHarness) -> None:
    # given: a missing variable evaluates to null in FEEL
    process_id = unique_id("inputs-null")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"x": "=missing"})
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).has_no_incidents()
    assert process_test.activate_job(job_type).variables == {"x": None}


def test_failing_output_mapping_raises_an_incident_and_resolving_retries_it(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("outputs-fail")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, outputs={"y": "=count(items, 1)"})
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"items": [1, 2]})
    # when
    process_test.complete_job(job_type)
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("IO_MAPPING_ERROR", "task")
    process_test.assert_that(instance).has_not_activated_elements("end").has_no_variable("y")
    # when: resolving re-evaluates the (still failing) output
    process_test.engine.resolve_incident(incident.key)
    # then
    again = process_test.assert_that(instance).has_incident("IO_MAPPING_ERROR", "task")
    assert again.key != incident.key


def test_variable_created_and_updated_in_one_command_is_recorded_as_created_then_updated(
    process_test: ProcessTestHarness,
) -> None:
    # given: two script tasks write the same new variable while the instance is created
    process_id = unique_id("variable-records")
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("first", expression="=1", result_variable="x")
        .script_task("second", expression="=x + 1", result_variable="x")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    records = [
        (r.intent, r.key, r.value["value"])
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "VARIABLE"
    ]
    assert [(intent, value) for intent, _, value in records] == [("CREATED", 1), ("UPDATED", 2)]
    assert records[0][1] == records[1][1]
    process_test.assert_that(instance).is_completed().has_variable("x", 2)


def test_output_to_a_path_updates_a_nested_context(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("path-output")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, outputs={"order.payment.status": "=status"})
        .end_event()
        .done()
    )
    instance = process_test.create_instance(process_id, {"order": {"id": "o-1"}})
    # when
    process_test.complete_job(job_type, {"status": "paid"})
    # then: the context is extended, its other entries are kept
    process_test.assert_that(instance).is_completed().has_variable(
        "order", {"id": "o-1", "payment": {"status": "paid"}}
    )
