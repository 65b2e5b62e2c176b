"""The searchable entities: Camunda v2 field names mapped onto the engine's tables.

Fields the engine does not track (tags, business ids, suspension, priorities, listeners) are
constants, so results carry every field the API requires and filters on them behave sensibly.
"""

from __future__ import annotations

from typing import Any

from oms.engine.errors import InvalidArgumentError
from oms.engine.search.query import Entity, Field, Kind, field_condition

_K, _S, _I, _D, _B = Kind.KEY, Kind.STRING, Kind.INT, Kind.DATE, Kind.BOOL
_ACTIVE_INCIDENT = "SELECT 1 FROM engine.incident i WHERE i.state = 'ACTIVE' AND "


def _variables_filter(value: Any) -> tuple[str, list[Any]]:
    """``variables: [{name, value}]``: instances with a variable of that name whose value matches."""
    if not isinstance(value, list):
        raise InvalidArgumentError("Expected filter 'variables' to be a list of {name, value}")
    conditions: list[str] = []
    params: list[Any] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or "value" not in item:
            raise InvalidArgumentError("Expected each entry of filter 'variables' to have a name and a value")
        condition, values = field_condition("variables.value", Field("v.value", Kind.JSON), item["value"])
        conditions.append(
            f"EXISTS (SELECT 1 FROM engine.variable v WHERE v.process_instance_key = p.key AND v.name = %s"
            f" AND {condition})"
        )
        params.extend([item["name"], *values])
    return " AND ".join(conditions) or "true", params


PROCESS_INSTANCES = Entity(
    name="process instances",
    source="engine.process_instance p JOIN engine.process_definition d ON d.key = p.process_definition_key",
    key="processInstanceKey",
    fields={
        "processInstanceKey": Field("p.key", _K),
        "processDefinitionId": Field("p.bpmn_process_id", _S),
        "processDefinitionName": Field("d.name", _S),
        "processDefinitionVersion": Field("p.version", _I),
        "processDefinitionVersionTag": Field("NULL::text", _S),
        "processDefinitionKey": Field("p.process_definition_key", _K),
        "parentProcessInstanceKey": Field("p.parent_process_instance_key", _K),
        "parentElementInstanceKey": Field("p.parent_element_instance_key", _K),
        "rootProcessInstanceKey": Field("COALESCE(p.parent_process_instance_key, p.key)", _K),
        "startDate": Field("p.start_date", _D),
        "endDate": Field("p.end_date", _D),
        "suspendedDate": Field("NULL::timestamptz", _D),
        "state": Field("p.state", _S),
        "hasIncident": Field(f"EXISTS ({_ACTIVE_INCIDENT}i.process_instance_key = p.key)", _B),
        "tenantId": Field("p.tenant_id", _S),
        "businessId": Field("NULL::text", _S),
    },
    special={"variables": _variables_filter},
)

ELEMENT_INSTANCES = Entity(
    name="element instances",
    # The process itself is a process instance, not an element instance (as in Camunda's search).
    source="engine.element_instance e",
    scope="e.element_type <> 'PROCESS'",
    key="elementInstanceKey",
    fields={
        "elementInstanceKey": Field("e.key", _K),
        "processInstanceKey": Field("e.process_instance_key", _K),
        "rootProcessInstanceKey": Field("e.process_instance_key", _K),
        "processDefinitionKey": Field("e.process_definition_key", _K),
        "processDefinitionId": Field("e.bpmn_process_id", _S),
        "elementId": Field("e.element_id", _S),
        "elementName": Field("e.element_id", _S),  # names are not stored: the id stands in
        "type": Field("e.element_type", _S),
        "state": Field("CASE WHEN e.state IN ('COMPLETED', 'TERMINATED') THEN e.state ELSE 'ACTIVE' END", _S),
        "startDate": Field("e.start_date", _D),
        "endDate": Field("e.end_date", _D),
        "tenantId": Field("e.tenant_id", _S),
        "hasIncident": Field(f"EXISTS ({_ACTIVE_INCIDENT}i.element_instance_key = e.key)", _B),
        "incidentKey": Field(
            "(SELECT min(i.key) FROM engine.incident i WHERE i.state = 'ACTIVE' AND i.element_instance_key = e.key)",
            _K,
        ),
        "elementInstanceScopeKey": Field("e.flow_scope_key", _K, selected=False),
    },
)

JOBS = Entity(
    name="jobs",
    source="engine.job j",
    key="jobKey",
    fields={
        "jobKey": Field("j.key", _K),
        "type": Field("j.type", _S),
        "worker": Field("COALESCE(j.worker, '')", _S),
        # Camunda reports the last job intent; activation does not change it (still CREATED).
        "state": Field("CASE WHEN j.state IN ('ACTIVATABLE', 'ACTIVATED') THEN 'CREATED' ELSE j.state END", _S),
        "kind": Field("'BPMN_ELEMENT'::text", _S),
        "listenerEventType": Field("'UNSPECIFIED'::text", _S),
        "retries": Field("j.retries", _I),
        "isDenied": Field("NULL::boolean", _B),
        "deniedReason": Field("NULL::text", _S),
        "hasFailedWithRetriesLeft": Field("(j.error_message IS NOT NULL AND j.retries > 0)", _B),
        "errorCode": Field("j.error_code", _S),
        "errorMessage": Field("j.error_message", _S),
        "customHeaders": Field("j.custom_headers", Kind.OBJECT),
        "deadline": Field("j.deadline", _D),
        "endTime": Field("j.ended_at", _D),
        "processDefinitionId": Field("j.bpmn_process_id", _S),
        "processDefinitionKey": Field("j.process_definition_key", _K),
        "processInstanceKey": Field("j.process_instance_key", _K),
        "rootProcessInstanceKey": Field("j.process_instance_key", _K),
        "elementId": Field("j.element_id", _S),
        "elementInstanceKey": Field("j.element_instance_key", _K),
        "tenantId": Field("j.tenant_id", _S),
        "creationTime": Field("j.created_at", _D),
        "lastUpdateTime": Field("NULL::timestamptz", _D),
        "priority": Field("0", _I),
        "businessId": Field("NULL::text", _S),
    },
)

INCIDENTS = Entity(
    name="incidents",
    source="engine.incident i",
    key="incidentKey",
    fields={
        "incidentKey": Field("i.key", _K),
        "processDefinitionKey": Field("i.process_definition_key", _K),
        "processDefinitionId": Field("i.bpmn_process_id", _S),
        "processInstanceKey": Field("i.process_instance_key", _K),
        "rootProcessInstanceKey": Field("i.process_instance_key", _K),
        "errorType": Field("i.error_type", _S),
        "errorMessage": Field("i.error_message", _S),
        "elementId": Field("i.element_id", _S),
        "elementInstanceKey": Field("i.element_instance_key", _K),
        "creationTime": Field("i.created_at", _D),
        "state": Field("i.state", _S),
        "jobKey": Field("i.job_key", _K),
        "tenantId": Field("i.tenant_id", _S),
    },
)

VARIABLES = Entity(
    name="variables",
    source="engine.variable v",
    key="variableKey",
    fields={
        "variableKey": Field("v.key", _K),
        "name": Field("v.name", _S),
        "value": Field("v.value", Kind.JSON),
        "scopeKey": Field("v.scope_key", _K),
        "processInstanceKey": Field("v.process_instance_key", _K),
        "rootProcessInstanceKey": Field("v.process_instance_key", _K),
        "tenantId": Field("v.tenant_id", _S),
    },
)

MESSAGE_SUBSCRIPTIONS = Entity(
    name="message subscriptions",
    source="engine.message_subscription s JOIN engine.process_definition d ON d.key = s.process_definition_key",
    key="messageSubscriptionKey",
    fields={
        "messageSubscriptionKey": Field("s.key", _K),
        "processDefinitionId": Field("s.bpmn_process_id", _S),
        "processDefinitionKey": Field("s.process_definition_key", _K),
        "processDefinitionName": Field("d.name", _S),
        "processDefinitionVersion": Field("d.version", _I),
        "processInstanceKey": Field("s.process_instance_key", _K),
        "rootProcessInstanceKey": Field("s.process_instance_key", _K),
        "elementId": Field("s.target_element_id", _S),
        "elementInstanceKey": Field("s.element_instance_key", _K),
        "messageSubscriptionState": Field("CASE s.state WHEN 'OPEN' THEN 'CREATED' ELSE s.state END", _S),
        "messageSubscriptionType": Field("'PROCESS_EVENT'::text", _S),
        "lastUpdatedDate": Field("s.created_at", _D),
        "messageName": Field("s.message_name", _S),
        "correlationKey": Field("s.correlation_key", _S),
        "tenantId": Field("s.tenant_id", _S),
        "toolName": Field("NULL::text", _S),
        "inboundConnectorType": Field("NULL::text", _S),
        "businessId": Field("NULL::text", _S),
    },
)

PROCESS_DEFINITIONS = Entity(
    name="process definitions",
    source="engine.process_definition d",
    key="processDefinitionKey",
    fields={
        "processDefinitionKey": Field("d.key", _K),
        "processDefinitionId": Field("d.bpmn_process_id", _S),
        "name": Field("d.name", _S),
        "resourceName": Field("d.resource_name", _S),
        "version": Field("d.version", _I),
        "versionTag": Field("NULL::text", _S),
        "tenantId": Field("d.tenant_id", _S),
        "hasStartForm": Field("false", _B),
        "state": Field("'ACTIVE'::text", _S),
        "isLatestVersion": Field(
            "(d.version = (SELECT max(x.version) FROM engine.process_definition x"
            " WHERE x.bpmn_process_id = d.bpmn_process_id AND x.tenant_id = d.tenant_id))",
            _B,
            selected=False,
        ),
    },
)
