"""TMF620 ``ProductOffering`` and ``ProductSpecification`` JSON from the active catalog document
(``catalog_to_dict``). Rules become ``productOfferingRelationship`` entries (``requires`` /
``excludes``); prices are given by value (``productOfferingPrice`` with ``price``), since the API has
no separate price resource."""

from __future__ import annotations

from typing import Any

from oms.api.render.paths import offering_href, specification_href

Json = dict[str, Any]


def render_offering(raw: Json, catalog: Json, last_update: str) -> Json:
    names = {offering["id"]: offering["name"] for offering in catalog["productOffering"]}
    spec_names = {spec["id"]: spec["name"] for spec in catalog["productSpecification"]}
    spec_id = raw["productSpecification"]
    return {
        "id": raw["id"],
        "href": offering_href(raw["id"]),
        "@type": "ProductOffering",
        "name": raw["name"],
        "version": raw["version"],
        "description": raw["description"],
        "lifecycleStatus": raw["lifecycleStatus"],
        "lastUpdate": last_update,
        "validFor": raw["validFor"],
        "isSellable": raw["isSellable"],
        "isBundle": bool(raw["bundledProductOffering"]),
        "catalogVersion": catalog["version"],
        "productSpecification": None
        if spec_id is None
        else {
            "id": spec_id,
            "href": specification_href(spec_id),
            "name": spec_names.get(spec_id),
            "@referredType": "ProductSpecification",
        },
        "productOfferingPrice": [_price(price) for price in raw["productOfferingPrice"]],
        "bundledProductOffering": [
            {
                "id": option["id"],
                "href": offering_href(option["id"]),
                "name": names.get(option["id"]),
                "bundledProductOfferingOption": {
                    "numberRelOfferLowerLimit": option["numberRelOfferLowerLimit"],
                    "numberRelOfferUpperLimit": option["numberRelOfferUpperLimit"],
                    "numberRelOfferDefault": option["numberRelOfferDefault"],
                },
            }
            for option in raw["bundledProductOffering"]
        ],
        "productOfferingRelationship": _relationships(raw["id"], catalog),
    }


def render_specification(raw: Json, catalog: Json, last_update: str) -> Json:
    return {
        "id": raw["id"],
        "href": specification_href(raw["id"]),
        "@type": "ProductSpecification",
        "name": raw["name"],
        "version": raw["version"],
        "description": raw["description"],
        "lastUpdate": last_update,
        "catalogVersion": catalog["version"],
        "productSpecCharacteristic": [_characteristic(c) for c in raw["productSpecCharacteristic"]],
    }


def _price(price: Json) -> Json:
    rendered: Json = {
        "id": price["id"],
        "@type": "ProductOfferingPrice",
        "name": price["name"],
        "priceType": price["priceType"],
        "price": price["price"],
        "validFor": price["validFor"],
        "condition": price["condition"],
    }
    if price["priceType"] == "recurring":
        rendered["recurringChargePeriodType"] = "month"
        rendered["recurringChargePeriodLength"] = 1
    return rendered


def _relationships(offering_id: str, catalog: Json) -> list[Json]:
    related = [
        ("requires", rule["requires"]) for rule in catalog["compatibilityRule"] if rule["offering"] == offering_id
    ]
    related += [("excludes", rule["excludes"]) for rule in catalog["exclusionRule"] if rule["offering"] == offering_id]
    return [
        {"id": other, "href": offering_href(other), "relationshipType": kind, "@type": "ProductOfferingRelationship"}
        for kind, other in related
    ]


def _characteristic(raw: Json) -> Json:
    values: list[Json] = [
        {
            "@type": "CharacteristicValueSpecification",
            "valueType": raw["valueType"],
            "value": value,
            "isDefault": value == raw["default"],
            "unitOfMeasure": raw["unitOfMeasure"],
        }
        for value in raw["allowedValues"]
    ]
    if raw["range"] is not None:
        values.append(
            {
                "@type": "CharacteristicValueSpecification",
                "valueType": raw["valueType"],
                "valueFrom": raw["range"]["valueFrom"],
                "valueTo": raw["range"]["valueTo"],
                "rangeInterval": "closed",
                "unitOfMeasure": raw["unitOfMeasure"],
            }
        )
    return {
        "@type": "CharacteristicSpecification",
        "name": raw["name"],
        "valueType": raw["valueType"],
        "description": raw["description"],
        "configurable": True,
        "minCardinality": 1 if raw["required"] else 0,
        "maxCardinality": 1,
        "default": raw["default"],
        "productSpecCharacteristicValue": values,
    }
