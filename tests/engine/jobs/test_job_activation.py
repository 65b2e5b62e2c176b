"""Activating jobs: by type, for a worker, with a timeout, at most ``max_jobs``, with the variables
the job's element instance sees (or only those asked for)."""

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidArgumentError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def test_activate_jobs_hands_out_jobs_of_the_type_to_the_named_worker_with_a_deadline(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-activate-type")
        .start_event()
        .service_task("pick", job_type="jobs.activate.pick")
        .end_event()
        .done(),
        process("jobs-activate-other")
        .start_event()
        .service_task("other", job_type="jobs.activate.other")
        .end_event()
        .done(),
    )
    instance = process_test.create_instance("jobs-activate-type")
    other = process_test.create_instance("jobs-activate-other")
    now = process_test.clock.now()
    # when
    jobs = process_test.engine.activate_jobs("jobs.activate.pick", worker="picker-1", timeout_ms=30_000)
    # then
    assert [job.process_instance_key for job in jobs] == [instance.process_instance_key]
    job = jobs[0]
    assert (job.type, job.worker, job.element_id, job.bpmn_process_id) == (
        "jobs.activate.pick",
        "picker-1",
        "pick",
        "jobs-activate-type",
    )
    assert job.retries == 3
    assert now + timedelta(seconds=29) < job.deadline <= process_test.clock.now() + timedelta(seconds=30)
    stored = process_test.assert_job(job.key).is_in_state("ACTIVATED").view()
    assert stored.worker == "picker-1"
    assert stored.deadline == job.deadline
    # the job of the other type is untouched
    (other_job,) = process_test.engine.queries.jobs(other.process_instance_key)
    assert other_job.state == "ACTIVATABLE"


def test_an_activated_job_is_not_handed_out_again(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-activate-once").start_event().service_task("t", job_type="jobs.activate.once").end_event().done()
    )
    process_test.create_instance("jobs-activate-once")
    (first,) = process_test.engine.activate_jobs("jobs.activate.once", worker="w1")
    # when
    second = process_test.engine.activate_jobs("jobs.activate.once", worker="w2")
    # then
    assert second == []
    process_test.assert_job(first.key).is_in_state("ACTIVATED")


def test_activate_jobs_returns_at_most_max_jobs_oldest_first(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-activate-max").start_event().service_task("t", job_type="jobs.activate.max").end_event().done()
    )
    instances = [process_test.create_instance("jobs-activate-max").process_instance_key for _ in range(3)]
    # when
    first_batch = process_test.engine.activate_jobs("jobs.activate.max", worker="w", max_jobs=2)
    second_batch = process_test.engine.activate_jobs("jobs.activate.max", worker="w", max_jobs=2)
    # then
    assert [job.process_instance_key for job in first_batch] == instances[:2]
    assert [job.process_instance_key for job in second_batch] == instances[2:]
    assert process_test.engine.activate_jobs("jobs.activate.max", worker="w", max_jobs=2) == []


def test_activate_jobs_without_jobs_of_the_type_returns_nothing(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-activate-none")
        .start_event()
        .service_task("t", job_type="jobs.activate.none.real")
        .end_event()
        .done()
    )
    process_test.create_instance("jobs-activate-none")
    # when
    jobs = process_test.engine.activate_jobs("jobs.activate.none.unknown", worker="w")
    # then
    assert jobs == []


def test_job_variables_are_those_visible_from_its_element_with_locals_shadowing_the_root(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-variables-scope")
        .start_event()
        .service_task("t", job_type="jobs.variables.scope", inputs={"region": '="local-" + region', "extra": "=42"})
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-variables-scope", {"region": "eu", "orderId": "o-7"})
    # when
    (job,) = process_test.engine.activate_jobs("jobs.variables.scope", worker="w")
    # then
    assert job.variables == {"region": "local-eu", "extra": 42, "orderId": "o-7"}
    process_test.assert_that(instance).has_variable("region", "eu").has_no_variable("extra")


def test_fetch_variables_limits_the_job_variables_to_the_names_asked_for(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-variables-fetch")
        .start_event()
        .service_task("t", job_type="jobs.variables.fetch", inputs={"shadowed": '="local"'})
        .end_event()
        .done()
    )
    process_test.create_instance(
        "jobs-variables-fetch", {"wanted": 1, "unwanted": 2, "shadowed": "root", "big": ["x"] * 50}
    )
    # when
    (job,) = process_test.engine.activate_jobs(
        "jobs.variables.fetch", worker="w", fetch_variables=["wanted", "shadowed", "missing"]
    )
    # then
    assert job.variables == {"wanted": 1, "shadowed": "local"}


def test_fetch_variables_empty_list_gives_a_job_without_variables(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-variables-none")
        .start_event()
        .service_task("t", job_type="jobs.variables.none")
        .end_event()
        .done()
    )
    process_test.create_instance("jobs-variables-none", {"a": 1})
    # when
    (job,) = process_test.engine.activate_jobs("jobs.variables.none", worker="w", fetch_variables=[])
    # then
    assert job.variables == {}


def test_job_carries_the_custom_headers_of_its_task(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-headers")
        .start_event()
        .service_task("t", job_type="jobs.headers", headers={"priority": "high", "channel": "web"})
        .end_event()
        .done()
    )
    process_test.create_instance("jobs-headers")
    # when
    (job,) = process_test.engine.activate_jobs("jobs.headers", worker="w")
    # then
    assert job.custom_headers == {"priority": "high", "channel": "web"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"job_type": "jobs.invalid", "max_jobs": 0}, "max jobs to activate to be at least 1, but it was 0"),
        ({"job_type": "jobs.invalid", "max_jobs": -3}, "max jobs to activate to be at least 1, but it was -3"),
        ({"job_type": ""}, "Expected a job type, but it was empty"),
        ({"job_type": "jobs.invalid", "timeout_ms": 0}, "job timeout of at least 1 ms, but it was 0"),
    ],
)
def test_activate_jobs_rejects_invalid_arguments(
    process_test: ProcessTestHarness, arguments: dict[str, object], message: str
) -> None:
    # given
    process_test.deploy(
        process("jobs-invalid").start_event().service_task("t", job_type="jobs.invalid").end_event().done()
    )
    instance = process_test.create_instance("jobs-invalid")
    job_type = str(arguments.pop("job_type"))
    # when / then
    with pytest.raises(InvalidArgumentError, match=message):
        process_test.engine.activate_jobs(job_type, worker="w", **arguments)  # type: ignore[arg-type]
    (job,) = process_test.engine.queries.jobs(instance.process_instance_key)
    assert job.state == "ACTIVATABLE"


def test_activate_jobs_hands_out_only_jobs_of_the_requested_tenants(process_test: ProcessTestHarness) -> None:
    # given
    xml = process("jobs-tenant").start_event().service_task("t", job_type="jobs.tenant").end_event().done()
    process_test.engine.deploy(("jobs-tenant.bpmn", xml), tenant_id="tenant-a")
    instance = process_test.engine.create_instance("jobs-tenant", tenant_id="tenant-a")
    # when
    default_tenant = process_test.engine.activate_jobs("jobs.tenant", worker="w")
    other_tenant = process_test.engine.activate_jobs("jobs.tenant", worker="w", tenant_ids=["tenant-b"])
    own_tenant = process_test.engine.activate_jobs("jobs.tenant", worker="w", tenant_ids=["tenant-b", "tenant-a"])
    # then
    assert default_tenant == []
    assert other_tenant == []
    assert [(job.process_instance_key, job.tenant_id) for job in own_tenant] == [
        (instance.process_instance_key, "tenant-a")
    ]
