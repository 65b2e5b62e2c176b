"""End events: none (consumes a token), error (throws; uncaught in the process scope → incident),
terminate (ends every other branch and completes the instance)."""

from __future__ import annotations

from oms.engine.commands.instances import CreatedInstance
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _element_intents(process_test: ProcessTestHarness, instance: CreatedInstance, element_id: str) -> list[str]:
    return [
        r.intent
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "PROCESS_INSTANCE" and r.element_id == element_id
    ]


def test_none_end_event_completes_the_instance_when_it_consumes_the_last_token(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("end")
    process_test.deploy(process(process_id).start_event().end_event("end").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("end")
    assert _element_intents(process_test, instance, process_id)[-1] == "ELEMENT_COMPLETED"


def test_none_end_event_does_not_complete_the_instance_while_another_branch_is_active(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("end-branches")
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .end_event("fast_end")
        .branch_from("fork")
        .service_task("slow", job_type=f"{process_id}.slow")
        .end_event("slow_end")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_active().has_completed_elements("fast_end").is_waiting_at_elements("slow")
    # when
    process_test.complete_job(f"{process_id}.slow")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("slow_end")


def test_end_event_output_mappings_are_merged_into_the_process(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("end-outputs")
    process_test.deploy(
        process(process_id)
        .start_event()
        .end_event("end")
        .done()
        .replace(
            b'<bpmn:endEvent id="end">',
            b'<bpmn:endEvent id="end"><bpmn:extensionElements><zeebe:ioMapping>'
            b'<zeebe:output source="=a * 2" target="doubled"/></zeebe:ioMapping></bpmn:extensionElements>',
        )
    )
    # when
    instance = process_test.create_instance(process_id, {"a": 21})
    # then
    process_test.assert_that(instance).is_completed().has_variable("doubled", 42)


def test_uncaught_error_end_event_raises_an_unhandled_error_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("error-end")
    process_test.deploy(process(process_id).start_event().error_end_event("fail", code="BROKEN").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("UNHANDLED_ERROR_EVENT", "fail")
    assert "BROKEN" in incident.error_message
    assert _element_intents(process_test, instance, "fail") == ["ELEMENT_ACTIVATING"]


def test_resolving_an_unhandled_error_end_event_incident_throws_again(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("error-end-resolve")
    process_test.deploy(process(process_id).start_event().error_end_event("fail", code="BROKEN").done())
    instance = process_test.create_instance(process_id)
    incident = process_test.assert_that(instance).has_incident("UNHANDLED_ERROR_EVENT", "fail")
    # when
    process_test.engine.resolve_incident(incident.key)
    # then: still nobody catches it, so a new incident is raised
    process_test.assert_incident(incident.key).is_resolved()
    again = process_test.assert_that(instance).is_active().has_incident("UNHANDLED_ERROR_EVENT", "fail")
    assert again.key != incident.key


def test_terminate_end_event_terminates_parallel_branches_and_completes_the_instance(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("terminate")
    job_type = f"{process_id}.wait"
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .service_task("waiting", job_type=job_type)
        .end_event("normal_end")
        .branch_from("fork")
        .intermediate_catch_message("msg", name=f"{process_id}.msg", correlation_key="=id")
        .end_event("other_end")
        .branch_from("fork")
        .manual_task("quick")
        .terminate_end_event("kill")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"id": "k-1"})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("quick", "kill")
        .has_terminated_elements("waiting", "msg")
        .has_not_activated_elements("normal_end", "other_end")
        .is_not_waiting_for_message(f"{process_id}.msg")
    )
    jobs = process_test.engine.queries.jobs(instance.process_instance_key)
    assert [j.state for j in jobs] == ["CANCELED"]
    assert _element_intents(process_test, instance, process_id)[-1] == "ELEMENT_COMPLETED"


def test_terminate_end_event_alone_completes_the_instance_like_a_none_end_event(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("terminate-alone")
    process_test.deploy(process(process_id).start_event().terminate_end_event("kill").done())
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("kill")
