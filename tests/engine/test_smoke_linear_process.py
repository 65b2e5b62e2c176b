"""A first end-to-end run: a linear process of service tasks completes through the test kit."""

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def test_linear_process_completes_when_every_job_is_completed(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("linear")
        .start_event("start")
        .service_task("a", job_type="linear.a")
        .service_task("b", job_type="linear.b")
        .end_event("end")
        .done()
    )
    process_test.mock_job_worker("linear.a").then_complete({"fromA": 1})
    process_test.mock_job_worker("linear.b").then_complete({"fromB": "x"})
    # when
    instance = process_test.create_instance("linear", {"orderId": "o-1"})
    process_test.run_until_idle()
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("start", "a", "b", "end", in_order=True)
        .has_variable("fromA", 1)
        .has_variable("fromB", "x")
        .has_variable("orderId", "o-1")
        .has_no_incidents()
    )
