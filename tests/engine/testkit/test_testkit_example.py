"""The example of docs/engine-testing.md, verbatim: keep the two in step."""

from datetime import timedelta

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness

ORDER = (
    process("example-order")
    .start_event("received")
    .service_task("reserve", job_type="example.reserve")
    .receive_task("await_payment", name="example.payment", correlation_key="=orderId")
    .service_task("ship", job_type="example.ship")
    .end_event("shipped")
    .boundary_timer("payment_overdue", attached_to="await_payment", duration="PT24H")
    .end_event("cancelled")
    .done()
)


def test_order_is_shipped_once_it_is_paid(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(ORDER)
    process_test.mock_job_worker("example.reserve").then_complete({"reserved": True})
    process_test.mock_job_worker("example.ship").then_complete({"trackingId": "T-1"})
    instance = process_test.create_instance("example-order", {"orderId": "o-1"})
    process_test.run_until_idle()
    process_test.assert_that(instance).is_waiting_for_message("example.payment", "o-1")
    # when
    process_test.publish_message("example.payment", "o-1", {"paid": True})
    process_test.run_until_idle()
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("received", "reserve", "await_payment", "ship", "shipped", in_order=True)
        .has_not_activated_elements("payment_overdue", "cancelled")
        .has_variable("paid", True)
        .has_variable("trackingId", "T-1")
        .has_no_incidents()
    )


def test_order_is_cancelled_when_the_payment_is_overdue(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(ORDER)
    process_test.mock_job_worker("example.reserve").then_complete({"reserved": True})
    instance = process_test.create_instance("example-order", {"orderId": "o-2"})
    process_test.run_until_idle()
    # when
    process_test.increase_time(timedelta(hours=25))
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("await_payment")
        .has_completed_elements("payment_overdue", "cancelled")
        .has_not_activated_elements("ship")
        .is_not_waiting_for_message("example.payment")
    )
