from __future__ import annotations

from decimal import Decimal

from domain_builders import item

from oms.domain.configuration import ConfiguredItem


def test_characteristic_order_does_not_matter() -> None:
    # given
    a = item("i1", "po", {"b": 1, "a": "x"})
    b = item("i1", "po", {"a": "x", "b": 1})
    # when / then
    assert a == b and list(a.characteristics) == ["a", "b"]


def test_a_configured_item_cannot_be_changed_through_its_characteristics() -> None:
    # given
    configured = item("i1", "po", {"a": 1})
    # when / then
    try:
        configured.characteristics["a"] = 2  # type: ignore[index]
        raise AssertionError("characteristics must be read-only")
    except TypeError:
        pass


def test_a_configured_item_round_trips_through_a_dict_with_exact_decimals() -> None:
    # given
    configured = item("b", "po-b", {"bw": Decimal("2.50"), "on": True, "n": 3, "s": "x"}, children=[item("c", "po-c")])
    # when
    loaded = ConfiguredItem.from_dict(configured.to_dict())
    # then
    assert loaded == configured and loaded.characteristics["bw"] == Decimal("2.50")
