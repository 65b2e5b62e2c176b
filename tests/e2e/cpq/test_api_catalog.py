"""TMF620 product offerings and specifications from the tenant's active catalog."""

from __future__ import annotations

from api_support import CATALOG, ApiDriver


def test_lists_offerings_of_the_active_catalog_with_paging_headers(api: ApiDriver) -> None:
    # when
    response = api.get(f"{CATALOG}/productOffering")
    # then
    assert response.status_code == 200
    offerings = response.json()
    assert response.headers["X-Total-Count"] == str(len(offerings))
    fiber = next(o for o in offerings if o["id"] == "po-fiber-broadband")
    assert fiber["href"] == f"{CATALOG}/productOffering/po-fiber-broadband"
    assert fiber["@type"] == "ProductOffering"
    assert fiber["productSpecification"]["id"] == "ps-fiber"


def test_gets_one_offering_with_fields(api: ApiDriver) -> None:
    # when
    response = api.get(f"{CATALOG}/productOffering/po-tv", fields="name,productOfferingRelationship")
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "href", "@type", "name", "productOfferingRelationship"}
    assert {"id": "po-fiber-broadband", "relationshipType": "requires"}.items() <= body["productOfferingRelationship"][
        0
    ].items()


def test_filters_offerings_by_bundle(api: ApiDriver) -> None:
    # when
    response = api.get(f"{CATALOG}/productOffering", isBundle="true")
    # then
    assert [o["id"] for o in response.json()] == ["po-fiber-tv-bundle"]


def test_lists_and_gets_specifications_with_characteristics(api: ApiDriver) -> None:
    # when
    listed = api.get(f"{CATALOG}/productSpecification", limit=1)
    one = api.get(f"{CATALOG}/productSpecification/ps-fiber")
    # then
    assert listed.status_code == 206 and listed.headers["X-Result-Count"] == "1"
    speed = next(c for c in one.json()["productSpecCharacteristic"] if c["name"] == "downloadSpeed")
    assert [v["value"] for v in speed["productSpecCharacteristicValue"]] == [300, 500, 1000]


def test_an_unknown_offering_is_a_404_in_the_tmf_error_body(api: ApiDriver) -> None:
    # when
    response = api.get(f"{CATALOG}/productOffering/po-nothing")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "notFound"
    assert response.json()["status"] == "404"
