"""Order, fulfillment and fallout values as plain JSON (camelCase keys, amounts and decimals as
strings, times as ISO 8601): the one shape used for storage (jsonb), views and audit, as
``codecs.py`` is for quotes and approvals.

Characteristic values keep their type next to them (``valueType``), as a quote's configuration
does, so a decimal never comes back as a float or a string."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from oms.application.codecs import iso_or_none
from oms.domain.catalog.characteristics import CharacteristicValue, ValueType
from oms.domain.catalog.offerings import PriceType
from oms.domain.catalog.values import value_from_json, value_to_json, value_type_of
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fallout.lifecycle import RepairKind
from oms.domain.fallout.model import Repair
from oms.domain.fulfillment.tasks import ExternalRequest, TargetSystem, TaskError, TaskId, TaskResult
from oms.domain.order.consistency import ReasonCode, RejectionReason
from oms.domain.order.items import ItemAction, RelatedParty
from oms.domain.order.request import OrderHeader, OrderItemRequest
from oms.domain.order.transitions import FalloutHold
from oms.domain.pricing.model import PriceLine, PriceLineKind
from oms.domain.shared.ids import ActorId, OfferingId, OrderItemId, ProductId, QuoteId, QuoteItemId
from oms.domain.shared.money import Money

Json = dict[str, Any]


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def characteristics_to_json(values: Mapping[str, CharacteristicValue]) -> list[Json]:
    """TMF ``productCharacteristic``: name, valueType, value."""
    return [
        {"name": name, "valueType": str(value_type_of(value)), "value": value_to_json(value)}
        for name, value in values.items()
    ]


def characteristics_from_json(data: list[Json]) -> dict[str, CharacteristicValue]:
    return {c["name"]: value_from_json(c["value"], ValueType(c["valueType"])) for c in data}


def party_to_dict(party: RelatedParty) -> Json:
    return {"id": party.id, "@referredType": party.referred_type, "role": party.role, "name": party.name}


def party_from_dict(data: Json) -> RelatedParty:
    return RelatedParty(data["id"], data["@referredType"], data.get("role"), data.get("name"))


def header_to_dict(header: OrderHeader) -> Json:
    return {
        "relatedParty": [party_to_dict(p) for p in header.related_parties],
        "quoteId": header.quote_id,
        "requestedStartDate": iso_or_none(header.requested_start_date),
        "requestedCompletionDate": iso_or_none(header.requested_completion_date),
        "category": header.category,
        "description": header.description,
        "externalId": header.external_id,
        "priority": header.priority,
    }


def header_from_dict(data: Json) -> OrderHeader:
    return OrderHeader(
        related_parties=tuple(party_from_dict(p) for p in data["relatedParty"]),
        quote_id=None if data["quoteId"] is None else QuoteId(data["quoteId"]),
        requested_start_date=_time(data["requestedStartDate"]),
        requested_completion_date=_time(data["requestedCompletionDate"]),
        category=data["category"],
        description=data["description"],
        external_id=data["externalId"],
        priority=data["priority"],
    )


def reason_to_dict(reason: RejectionReason) -> Json:
    return reason.to_dict()


def reason_from_dict(data: Json) -> RejectionReason:
    item_id = data.get("itemId")
    return RejectionReason(ReasonCode(data["code"]), data["message"], None if item_id is None else OrderItemId(item_id))


def hold_to_dict(hold: FalloutHold) -> Json:
    return {"caseId": hold.case_id, "itemId": hold.item_id}


def hold_from_dict(data: Json) -> FalloutHold:
    return FalloutHold(FalloutCaseId(data["caseId"]), OrderItemId(data["itemId"]))


def price_line_to_dict(line: PriceLine) -> Json:
    return {
        "kind": str(line.kind),
        "description": line.description,
        "priceType": str(line.price_type),
        "amount": line.amount.to_dict(),
        "reference": line.reference,
    }


def price_line_from_dict(data: Json) -> PriceLine:
    return PriceLine(
        kind=PriceLineKind(data["kind"]),
        description=data["description"],
        price_type=PriceType(data["priceType"]),
        amount=Money.from_dict(data["amount"]),
        reference=data["reference"],
    )


def item_request_to_dict(item: OrderItemRequest) -> Json:
    return {
        "id": item.item_id,
        "action": str(item.action),
        "productOffering": item.offering_id,
        "productCharacteristic": characteristics_to_json(item.characteristics),
        "quantity": item.quantity,
        "productId": item.product_id,
        "quoteItemId": item.quote_item_id,
        "parentItemId": item.parent_item_id,
    }


def item_request_from_dict(data: Json) -> OrderItemRequest:
    return OrderItemRequest(
        item_id=OrderItemId(data["id"]),
        action=ItemAction(data["action"]),
        offering_id=None if data["productOffering"] is None else OfferingId(data["productOffering"]),
        characteristics=characteristics_from_json(data["productCharacteristic"]),
        quantity=data["quantity"],
        product_id=None if data["productId"] is None else ProductId(data["productId"]),
        quote_item_id=None if data["quoteItemId"] is None else QuoteItemId(data["quoteItemId"]),
        parent_item_id=None if data["parentItemId"] is None else OrderItemId(data["parentItemId"]),
    )


def external_request_to_dict(request: ExternalRequest) -> Json:
    return {
        "taskId": request.task_id,
        "targetSystem": str(request.target_system),
        "operation": request.operation,
        "idempotencyKey": request.idempotency_key,
        "run": request.run,
        "attempt": request.attempt,
        "requestedAt": request.requested_at.isoformat(),
    }


def external_request_from_dict(data: Json) -> ExternalRequest:
    return ExternalRequest(
        task_id=TaskId(data["taskId"]),
        target_system=TargetSystem(data["targetSystem"]),
        operation=data["operation"],
        idempotency_key=data["idempotencyKey"],
        run=data["run"],
        attempt=data["attempt"],
        requested_at=datetime.fromisoformat(data["requestedAt"]),
    )


def task_error_to_dict(error: TaskError) -> Json:
    return {
        "code": error.code,
        "message": error.message,
        "occurredAt": error.occurred_at.isoformat(),
        "details": dict(error.details),
    }


def task_error_from_dict(data: Json) -> TaskError:
    return TaskError(data["code"], data["message"], datetime.fromisoformat(data["occurredAt"]), data["details"])


def task_result_to_dict(result: TaskResult) -> Json:
    return {
        "externalReference": result.external_reference,
        "recordedAt": result.recorded_at.isoformat(),
        "recordedBy": result.recorded_by,
        "data": dict(result.data),
        "manualEvidence": result.manual_evidence,
    }


def task_result_from_dict(data: Json) -> TaskResult:
    return TaskResult(
        external_reference=data["externalReference"],
        recorded_at=datetime.fromisoformat(data["recordedAt"]),
        recorded_by=ActorId(data["recordedBy"]),
        data=data["data"],
        manual_evidence=data["manualEvidence"],
    )


def repair_to_dict(repair: Repair) -> Json:
    return {
        "kind": str(repair.kind),
        "repairedBy": repair.repaired_by,
        "repairedAt": repair.repaired_at.isoformat(),
        "reason": repair.reason,
        "evidence": repair.evidence,
    }


def repair_from_dict(data: Json) -> Repair:
    return Repair(
        kind=RepairKind(data["kind"]),
        repaired_by=ActorId(data["repairedBy"]),
        repaired_at=datetime.fromisoformat(data["repairedAt"]),
        reason=data["reason"],
        evidence=data["evidence"],
    )
