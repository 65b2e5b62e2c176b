"""Happy paths of the TMF648 quote resources: create, get, list, patch, state tasks, approval."""

from __future__ import annotations

from api_support import QUOTES, ApiDriver, quote_body


def test_creating_a_quote_prices_it_and_answers_201_with_location_equal_to_href(api: ApiDriver) -> None:
    # given
    body = quote_body(speed=1000)
    # when
    response = api.post(QUOTES, body)
    # then
    assert response.status_code == 201, response.text
    quote = response.json()
    assert quote["href"] == f"{QUOTES}/{quote['id']}"
    assert response.headers["Location"] == quote["href"]
    assert response.headers["ETag"].strip('"').isdigit()
    assert quote["state"] == "inProgress"
    assert quote["@type"] == "Quote"
    assert quote["quoteDate"] and quote["validFor"]["endDateTime"]
    assert [item["productOffering"]["id"] for item in quote["quoteItem"]] == ["po-fiber-broadband", "po-tv"]
    recurring = next(p for p in quote["quoteTotalPrice"] if p["priceType"] == "recurring")
    assert recurring["price"]["dutyFreeAmount"]["unit"] == "EUR"
    assert float(recurring["price"]["dutyFreeAmount"]["value"]) > 0
    assert response.headers["X-Correlation-ID"]


def test_get_returns_the_quote_with_its_version_as_etag(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    response = api.get(created["href"])
    # then
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["ETag"].strip('"').isdigit()


def test_fields_selects_first_level_attributes_and_keeps_id_and_href(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    response = api.get(created["href"], fields="state,quoteTotalPrice")
    # then
    assert set(response.json()) == {"id", "href", "@type", "state", "quoteTotalPrice"}


def test_list_pages_with_total_and_result_count_headers(api: ApiDriver) -> None:
    # given
    ids = [api.create_quote()["id"] for _ in range(3)]
    # when
    first = api.get(QUOTES, limit=2)
    rest = api.get(QUOTES, limit=2, offset=2)
    # then
    assert first.status_code == 206 and rest.status_code == 206
    assert first.headers["X-Total-Count"] == "3" and first.headers["X-Result-Count"] == "2"
    assert rest.headers["X-Result-Count"] == "1"
    assert {q["id"] for q in first.json() + rest.json()} == set(ids)


def test_list_filters_by_state_and_projects_fields(api: ApiDriver) -> None:
    # given
    in_progress = api.create_quote()
    approved = api.approved_quote()
    # when
    response = api.get(QUOTES, state="approved", fields="state")
    # then
    assert response.status_code == 200
    assert response.json() == [{"id": approved["id"], "href": approved["href"], "@type": "Quote", "state": "approved"}]
    assert in_progress["id"] not in response.text


def test_list_with_an_unknown_state_filter_is_a_400(api: ApiDriver) -> None:
    # when
    response = api.get(QUOTES, state="done")
    # then
    assert response.status_code == 400
    assert "done" in response.json()["message"]


def test_patching_items_reprices_a_quote_in_progress(api: ApiDriver) -> None:
    # given
    created = api.create_quote(speed=300)
    body = quote_body(speed=1000)
    # when
    response = api.patch(created["href"], {"quoteItem": body["quoteItem"]})
    # then
    assert response.status_code == 200, response.text
    changed = response.json()
    speed = changed["quoteItem"][0]["product"]["productCharacteristic"][0]
    assert speed == {"name": "downloadSpeed", "valueType": "integer", "value": 1000}
    assert changed["quoteTotalPrice"] != created["quoteTotalPrice"]


def test_patching_only_the_quote_discount_keeps_the_items(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    response = api.patch(created["href"], {"manualDiscountPercent": "5"})
    # then
    assert response.status_code == 200, response.text
    assert response.json()["manualDiscountPercent"] == "5"
    assert len(response.json()["quoteItem"]) == 2


def test_submitting_without_discounts_approves_at_once_and_the_customer_accepts(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    submitted = api.post(f"{created['href']}/submit")
    accepted = api.post(f"{created['href']}/accept", actor="customer")
    # then
    assert submitted.json()["state"] == "approved"
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["effectiveQuoteCompletionDate"]


def test_reject_and_cancel_tasks_move_the_quote(api: ApiDriver) -> None:
    # given
    approved = api.approved_quote()
    in_progress = api.create_quote()
    # when
    rejected = api.post(f"{approved['href']}/reject", {"reason": "too expensive"}, actor="customer")
    cancelled = api.post(f"{in_progress['href']}/cancel", {"reason": "duplicate"})
    # then
    assert rejected.json()["state"] == "rejected"
    assert cancelled.json()["state"] == "cancelled"


def test_patching_state_accepts_an_approved_quote_as_tmf648_does(api: ApiDriver) -> None:
    # given
    approved = api.approved_quote()
    # when
    response = api.patch(approved["href"], {"state": "accepted"}, actor="customer")
    # then
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "accepted"


def test_patching_state_and_items_together_is_refused(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    response = api.patch(created["href"], {"state": "cancelled", "quoteItem": quote_body()["quoteItem"]})
    # then
    assert response.status_code == 400
    assert "not both" in response.json()["message"]


def test_a_discount_above_the_threshold_waits_for_the_manager_whose_approval_approves_the_quote(
    api: ApiDriver,
) -> None:
    # given
    pending = api.pending_quote()
    case = api.get(f"{pending['href']}/approval", actor="manager")
    assert case.status_code == 200, case.text
    assert case.json()["currentLevel"]["role"] == "sales_manager"
    # when
    decided = api.post(f"{pending['href']}/approval/decision", {"decision": "approve"}, actor="manager")
    # then
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "approved"
    assert decided.json()["quote"]["state"] == "approved"
    quote = api.get(pending["href"]).json()
    assert quote["state"] == "approved"
    assert quote["authorization"][0]["state"] == "approved"
    assert api.post(f"{pending['href']}/accept", actor="customer").json()["state"] == "accepted"


def test_a_managers_rejection_sends_the_quote_back_to_in_progress(api: ApiDriver) -> None:
    # given
    pending = api.pending_quote()
    # when
    decided = api.post(f"{pending['href']}/approval/decision", {"decision": "reject", "comment": "no"}, actor="manager")
    # then
    assert decided.json()["state"] == "rejected"
    assert api.get(pending["href"]).json()["state"] == "inProgress"


def test_a_quote_without_approval_case_has_no_approval_resource(api: ApiDriver) -> None:
    # given
    created = api.create_quote()
    # when
    response = api.get(f"{created['href']}/approval")
    # then
    assert response.status_code == 404
