"""Configuration: validate configured items against the catalog at a point in time."""

from oms.domain.configuration.errors import (
    BundleCardinalityViolated,
    CharacteristicOutOfRange,
    ConfigurationProblem,
    DuplicateItemId,
    ExcludedCombination,
    InvalidCharacteristicValue,
    InvalidConfiguration,
    InvalidQuantity,
    MissingRequiredCharacteristic,
    MissingRequiredOffering,
    NotABundle,
    OfferingNotSellable,
    UnexpectedBundleChild,
    UnknownCharacteristic,
    UnknownOfferingInItem,
    WrongCharacteristicType,
)
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.configuration.validation import apply_defaults, configuration_problems, validate_configuration

__all__ = [
    "BundleCardinalityViolated",
    "CharacteristicOutOfRange",
    "ConfigurationProblem",
    "ConfiguredItem",
    "DuplicateItemId",
    "ExcludedCombination",
    "InvalidCharacteristicValue",
    "InvalidConfiguration",
    "InvalidQuantity",
    "MissingRequiredCharacteristic",
    "MissingRequiredOffering",
    "NotABundle",
    "OfferingNotSellable",
    "UnexpectedBundleChild",
    "UnknownCharacteristic",
    "UnknownOfferingInItem",
    "WrongCharacteristicType",
    "apply_defaults",
    "configuration_problems",
    "validate_configuration",
]
