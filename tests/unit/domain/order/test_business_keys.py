"""The business keys the application writes workflow start requests under."""

from __future__ import annotations

import pytest

from oms.domain.order import (
    AmendmentRequestId,
    CancellationRequestId,
    InvalidKeyPart,
    amendment_business_key,
    cancellation_business_key,
    fulfillment_business_key,
)
from oms.domain.shared.ids import OrderId


def test_keys_follow_the_architecture() -> None:
    # given
    order = OrderId("o-1")
    # then
    assert fulfillment_business_key("t1", order) == "order:t1:o-1:fulfillment"
    assert cancellation_business_key("t1", order, CancellationRequestId("c-1")) == "order:t1:o-1:cancellation:c-1"
    assert amendment_business_key("t1", order, AmendmentRequestId("a-1")) == "order:t1:o-1:amendment:a-1"


@pytest.mark.parametrize(("tenant", "order"), [("", "o-1"), ("t1", ""), ("t:1", "o-1"), ("t1", "o:1")])
def test_parts_that_would_make_keys_ambiguous_are_refused(tenant: str, order: str) -> None:
    # when / then
    with pytest.raises(InvalidKeyPart):
        fulfillment_business_key(tenant, OrderId(order))
