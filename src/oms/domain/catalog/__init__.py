"""TMF620-style product catalog: specifications, offerings, prices, rules, discounts."""

from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.characteristics import (
    CharacteristicSpec,
    CharacteristicValue,
    NumericRange,
    ProductSpecification,
    ValueType,
)
from oms.domain.catalog.errors import InvalidCatalog, UnknownOffering
from oms.domain.catalog.lifecycle import LifecycleStatus
from oms.domain.catalog.offerings import (
    BundledOffering,
    CharacteristicCondition,
    OfferingPrice,
    PriceType,
    ProductOffering,
)
from oms.domain.catalog.rules import CatalogDiscount, CompatibilityRule, DiscountKind, ExclusionRule
from oms.domain.catalog.serialization import catalog_from_dict, catalog_to_dict

__all__ = [
    "BundledOffering",
    "Catalog",
    "CatalogDiscount",
    "CharacteristicCondition",
    "CharacteristicSpec",
    "CharacteristicValue",
    "CompatibilityRule",
    "DiscountKind",
    "ExclusionRule",
    "InvalidCatalog",
    "LifecycleStatus",
    "NumericRange",
    "OfferingPrice",
    "PriceType",
    "ProductOffering",
    "ProductSpecification",
    "UnknownOffering",
    "ValueType",
    "catalog_from_dict",
    "catalog_to_dict",
]
