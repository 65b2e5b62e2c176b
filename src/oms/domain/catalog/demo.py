"""A demo catalog for a telecom provider, as plain data for ``oms seed``.

Fiber broadband in three speed tiers, a static IP and a TV add-on that both require broadband, a
basic and a premium router (rent or buy; one excludes the other), an installation fee, and a
"Fiber + TV" bundle with a 10 % bundle discount on the monthly charges. One broadband line per
quote. A retired legacy tier shows an offering that can no longer be sold."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.characteristics import CharacteristicSpec, NumericRange, ProductSpecification, ValueType
from oms.domain.catalog.lifecycle import LifecycleStatus
from oms.domain.catalog.offerings import (
    BundledOffering,
    CharacteristicCondition,
    OfferingPrice,
    PriceType,
    ProductOffering,
)
from oms.domain.catalog.rules import CatalogDiscount, CompatibilityRule, DiscountKind, ExclusionRule
from oms.domain.shared.ids import DiscountId, OfferingId, PriceId, RuleId, SpecificationId
from oms.domain.shared.money import Money
from oms.domain.shared.time import TimePeriod

CURRENCY = "EUR"
DEMO_CATALOG_VERSION = "demo-2025.1"
LAUNCH = datetime(2025, 1, 1, tzinfo=UTC)

FIBER = OfferingId("po-fiber-broadband")
FIBER_LEGACY = OfferingId("po-fiber-100-legacy")
STATIC_IP = OfferingId("po-static-ip")
ROUTER_BASIC = OfferingId("po-router-basic")
ROUTER_PREMIUM = OfferingId("po-router-premium")
TV = OfferingId("po-tv")
INSTALLATION = OfferingId("po-installation")
FIBER_TV_BUNDLE = OfferingId("po-fiber-tv-bundle")

_AVAILABLE = TimePeriod(start=LAUNCH)


def _eur(amount: str) -> Money:
    return Money.of(amount, CURRENCY)


def _monthly(price_id: str, name: str, amount: str, when: tuple[str, str | int] | None = None) -> OfferingPrice:
    condition = None if when is None else CharacteristicCondition(when[0], when[1])
    return OfferingPrice(PriceId(price_id), name, PriceType.RECURRING, _eur(amount), condition)


def _once(price_id: str, name: str, amount: str, when: tuple[str, str | int] | None = None) -> OfferingPrice:
    condition = None if when is None else CharacteristicCondition(when[0], when[1])
    return OfferingPrice(PriceId(price_id), name, PriceType.ONE_TIME, _eur(amount), condition)


SPECIFICATIONS = (
    ProductSpecification(
        SpecificationId("ps-fiber"),
        "Fiber access",
        (
            CharacteristicSpec(
                "downloadSpeed",
                ValueType.INTEGER,
                required=True,
                default=300,
                allowed_values=(300, 500, 1000),
                unit="Mbps",
            ),
            CharacteristicSpec(
                "technology", ValueType.STRING, required=True, default="GPON", allowed_values=("GPON", "XGS-PON")
            ),
            CharacteristicSpec("ipv6", ValueType.BOOLEAN, default=True),
        ),
    ),
    ProductSpecification(
        SpecificationId("ps-static-ip"),
        "Static public IPv4",
        (
            CharacteristicSpec(
                "addressCount",
                ValueType.INTEGER,
                required=True,
                default=1,
                value_range=NumericRange(Decimal(1), Decimal(8)),
            ),
        ),
    ),
    ProductSpecification(
        SpecificationId("ps-router"),
        "Home router",
        (
            CharacteristicSpec(
                "acquisition", ValueType.STRING, required=True, default="rent", allowed_values=("rent", "buy")
            ),
        ),
    ),
    ProductSpecification(
        SpecificationId("ps-tv"),
        "IPTV",
        (
            CharacteristicSpec(
                "channelPackage",
                ValueType.STRING,
                required=True,
                default="basic",
                allowed_values=("basic", "family", "premium"),
            ),
            CharacteristicSpec(
                "setTopBoxes",
                ValueType.INTEGER,
                required=True,
                default=1,
                value_range=NumericRange(Decimal(1), Decimal(4)),
            ),
        ),
    ),
    ProductSpecification(
        SpecificationId("ps-installation"),
        "Installation",
        (
            CharacteristicSpec(
                "installationType",
                ValueType.STRING,
                required=True,
                default="selfInstall",
                allowed_values=("selfInstall", "technician"),
            ),
            CharacteristicSpec("accessNotes", ValueType.STRING),
        ),
    ),
)

OFFERINGS = (
    ProductOffering(
        FIBER,
        "Fiber Broadband",
        LifecycleStatus.ACTIVE,
        SpecificationId("ps-fiber"),
        prices=(
            _monthly("pop-fiber-monthly", "Fiber Broadband monthly fee", "29.99"),
            _monthly("pop-fiber-500", "Speed tier 500 Mbps", "10.00", ("downloadSpeed", 500)),
            _monthly("pop-fiber-1000", "Speed tier 1000 Mbps", "20.00", ("downloadSpeed", 1000)),
        ),
        valid_for=_AVAILABLE,
    ),
    ProductOffering(
        FIBER_LEGACY,
        "Fiber 100 (legacy)",
        LifecycleStatus.RETIRED,
        prices=(_monthly("pop-fiber-legacy-monthly", "Fiber 100 monthly fee", "24.99"),),
        valid_for=TimePeriod(datetime(2020, 1, 1, tzinfo=UTC), LAUNCH),
    ),
    ProductOffering(
        STATIC_IP,
        "Static IP",
        LifecycleStatus.ACTIVE,
        SpecificationId("ps-static-ip"),
        prices=(_monthly("pop-static-ip-monthly", "Static IP monthly fee", "5.00"),),
        valid_for=_AVAILABLE,
    ),
    ProductOffering(
        ROUTER_BASIC,
        "Basic Router",
        LifecycleStatus.ACTIVE,
        SpecificationId("ps-router"),
        prices=(
            _monthly("pop-router-basic-rent", "Basic Router rental", "3.00", ("acquisition", "rent")),
            _once("pop-router-basic-buy", "Basic Router purchase", "89.00", ("acquisition", "buy")),
        ),
        valid_for=_AVAILABLE,
    ),
    ProductOffering(
        ROUTER_PREMIUM,
        "Premium Wi-Fi 7 Router",
        LifecycleStatus.ACTIVE,
        SpecificationId("ps-router"),
        prices=(
            _monthly("pop-router-premium-rent", "Premium Router rental", "6.00", ("acquisition", "rent")),
            _once("pop-router-premium-buy", "Premium Router purchase", "199.00", ("acquisition", "buy")),
        ),
        valid_for=_AVAILABLE,
    ),
    ProductOffering(
        TV,
        "TV add-on",
        LifecycleStatus.ACTIVE,
        SpecificationId("ps-tv"),
        prices=(
            _monthly("pop-tv-monthly", "TV monthly fee", "12.00"),
            _monthly("pop-tv-family", "Family channel package", "5.00", ("channelPackage", "family")),
            _monthly("pop-tv-premium", "Premium channel package", "15.00", ("channelPackage", "premium")),
        ),
        valid_for=_AVAILABLE,
    ),
    ProductOffering(
        INSTALLATION,
        "Installation",
        LifecycleStatus.ACTIVE,
        SpecificationId("ps-installation"),
        prices=(
            _once("pop-installation", "Installation fee", "99.00"),
            _once("pop-installation-technician", "Technician visit", "49.00", ("installationType", "technician")),
        ),
        valid_for=_AVAILABLE,
    ),
    ProductOffering(
        FIBER_TV_BUNDLE,
        "Fiber + TV",
        LifecycleStatus.ACTIVE,
        bundled=(
            BundledOffering(FIBER, 1, 1, 1),
            BundledOffering(TV, 1, 1, 1),
            BundledOffering(ROUTER_BASIC, 0, 1, 0),
            BundledOffering(ROUTER_PREMIUM, 0, 1, 0),
            BundledOffering(INSTALLATION, 0, 1, 1),
        ),
        valid_for=_AVAILABLE,
    ),
)

COMPATIBILITY_RULES = (
    CompatibilityRule(RuleId("rule-static-ip-requires-fiber"), STATIC_IP, FIBER, "A static IP needs a broadband line"),
    CompatibilityRule(RuleId("rule-tv-requires-fiber"), TV, FIBER, "TV is delivered over the broadband line"),
)

EXCLUSION_RULES = (
    ExclusionRule(RuleId("rule-one-fiber-line"), FIBER, FIBER, "One broadband line per quote"),
    ExclusionRule(RuleId("rule-one-router"), ROUTER_BASIC, ROUTER_PREMIUM, "Basic and premium router are alternatives"),
)

DISCOUNTS = (
    CatalogDiscount(
        DiscountId("disc-fiber-tv-bundle"),
        "Bundle discount 10 %",
        FIBER_TV_BUNDLE,
        PriceType.RECURRING,
        DiscountKind.PERCENTAGE,
        percentage=Decimal(10),
        valid_for=_AVAILABLE,
    ),
    CatalogDiscount(
        DiscountId("disc-installation-welcome"),
        "Welcome discount on installation",
        INSTALLATION,
        PriceType.ONE_TIME,
        DiscountKind.AMOUNT,
        amount=_eur("20.00"),
        valid_for=_AVAILABLE,
    ),
)


def demo_catalog() -> Catalog:
    return Catalog(
        version=DEMO_CATALOG_VERSION,
        currency=CURRENCY,
        specifications=SPECIFICATIONS,
        offerings=OFFERINGS,
        compatibility_rules=COMPATIBILITY_RULES,
        exclusion_rules=EXCLUSION_RULES,
        discounts=DISCOUNTS,
    )
