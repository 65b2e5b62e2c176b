"""Timer start event: a timer owned by the process definition (date, cycle), replaced by a new
version's, starting an instance each time it fires."""

from __future__ import annotations

from datetime import timedelta

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def test_timer_cycle_starts_an_instance_each_time_it_fires(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("timer-start-cycle")
    process_test.deploy(process(process_id).timer_start_event("every_minute", cycle="R3/PT1M").end_event().done())
    # when
    process_test.increase_time(timedelta(seconds=30))
    # then
    assert process_test.engine.queries.process_instances(process_id) == []
    # when
    for _ in range(5):
        process_test.increase_time(timedelta(minutes=1))
    # then: three repetitions, three instances
    instances = process_test.engine.queries.process_instances(process_id)
    assert [i.state for i in instances] == ["COMPLETED"] * 3
    process_test.assert_that(instances[0].key).has_completed_elements("every_minute")


def test_timer_date_starts_one_instance_at_the_date(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("timer-start-date")
    at = (process_test.clock.now() + timedelta(hours=2)).isoformat()
    process_test.deploy(
        process(process_id).timer_start_event("at_date", date=at).service_task("t", job_type=f"{process_id}.t").done()
    )
    # when
    process_test.increase_time(timedelta(hours=1))
    # then
    assert process_test.engine.queries.process_instances(process_id) == []
    # when
    process_test.increase_time(timedelta(hours=2))
    process_test.increase_time(timedelta(hours=2))
    # then
    (instance,) = process_test.engine.queries.process_instances(process_id)
    process_test.assert_that(instance.key).is_waiting_at_elements("t")


def test_a_new_version_cancels_the_timer_of_the_old_one(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("timer-start-version")
    process_test.deploy(process(process_id).timer_start_event("old", cycle="R/PT1M").end_event().done())
    process_test.deploy(process(process_id).timer_start_event("new", cycle="R/PT10M").end_event().done())
    # when
    process_test.increase_time(timedelta(minutes=5))
    # then: the old version's one-minute timer is gone
    assert process_test.engine.queries.process_instances(process_id) == []
    # when
    process_test.increase_time(timedelta(minutes=6))
    # then
    (instance,) = process_test.engine.queries.process_instances(process_id)
    assert instance.version == 2
