"""Fluent assertions on engine state, modelled on Camunda's process-test library.

Each assertion reads the current state and raises ``AssertionError`` with what it found."""

from __future__ import annotations

from typing import Any

from oms.engine.feel import from_json
from oms.engine.queries import EngineQueries, IncidentView, JobView

_LIVE = {"ACTIVATING", "ACTIVATED", "COMPLETING", "TERMINATING"}


class ProcessInstanceAssert:
    def __init__(self, queries: EngineQueries, key: int) -> None:
        self._queries = queries
        self.key = key

    def _state(self) -> str:
        found = self._queries.process_instance(self.key)
        if found is None:
            raise AssertionError(f"process instance {self.key} does not exist")
        return found.state

    def _expect_state(self, expected: str) -> ProcessInstanceAssert:
        state = self._state()
        if state != expected:
            raise AssertionError(
                f"Expected process instance {self.key} to be {expected}, but it is {state};"
                f" active elements: {self._active_ids()}; incidents: {self._incident_messages()}"
            )
        return self

    def is_active(self) -> ProcessInstanceAssert:
        return self._expect_state("ACTIVE")

    def is_completed(self) -> ProcessInstanceAssert:
        return self._expect_state("COMPLETED")

    def is_terminated(self) -> ProcessInstanceAssert:
        return self._expect_state("TERMINATED")

    def _active_ids(self) -> list[str]:
        return [
            e.element_id
            for e in self._queries.element_instances(self.key)
            if e.state in _LIVE and e.element_type != "PROCESS"
        ]

    def _incident_messages(self) -> list[str]:
        return [f"{i.error_type}: {i.error_message}" for i in self._queries.incidents(self.key) if i.state == "ACTIVE"]

    def has_completed_elements(self, *element_ids: str, in_order: bool = False) -> ProcessInstanceAssert:
        completed = [e.element_id for e in self._queries.element_instances(self.key) if e.state == "COMPLETED"]
        missing = [e for e in element_ids if e not in completed]
        if missing:
            raise AssertionError(f"Expected elements {missing} to be completed; completed: {completed}")
        if in_order:
            order = sorted(
                (e for e in self._queries.element_instances(self.key) if e.state == "COMPLETED"),
                key=lambda e: (e.end_date, e.key),
            )
            sequence = [e.element_id for e in order if e.element_id in element_ids]
            if sequence != list(element_ids):
                raise AssertionError(f"Expected elements completed in order {list(element_ids)}, but got {sequence}")
        return self

    def has_terminated_elements(self, *element_ids: str) -> ProcessInstanceAssert:
        terminated = [e.element_id for e in self._queries.element_instances(self.key) if e.state == "TERMINATED"]
        missing = [e for e in element_ids if e not in terminated]
        if missing:
            raise AssertionError(f"Expected elements {missing} to be terminated; terminated: {terminated}")
        return self

    def has_not_activated_elements(self, *element_ids: str) -> ProcessInstanceAssert:
        seen = {e.element_id for e in self._queries.element_instances(self.key)}
        present = [e for e in element_ids if e in seen]
        if present:
            raise AssertionError(f"Expected elements {present} never to be activated, but they were")
        return self

    def is_waiting_at_elements(self, *element_ids: str) -> ProcessInstanceAssert:
        active = self._active_ids()
        missing = [e for e in element_ids if e not in active]
        if missing:
            raise AssertionError(f"Expected instance to wait at {missing}; active elements: {active}")
        return self

    def is_waiting_for_message(self, name: str, correlation_key: str | None = None) -> ProcessInstanceAssert:
        open_ = [
            (s.message_name, s.correlation_key)
            for s in self._queries.message_subscriptions(self.key)
            if s.state == "OPEN"
        ]
        if not any(n == name and (correlation_key is None or k == correlation_key) for n, k in open_):
            raise AssertionError(
                f"Expected an open subscription for message '{name}' ({correlation_key!r}); open subscriptions: {open_}"
            )
        return self

    def is_not_waiting_for_message(self, name: str) -> ProcessInstanceAssert:
        if any(s.message_name == name and s.state == "OPEN" for s in self._queries.message_subscriptions(self.key)):
            raise AssertionError(f"Expected no open subscription for message '{name}'")
        return self

    def variables(self) -> dict[str, Any]:
        return {v.name: v.value for v in self._queries.variables(self.key) if v.scope_key == self.key}

    def has_variable(self, name: str, value: Any) -> ProcessInstanceAssert:
        variables = self.variables()
        if name not in variables:
            raise AssertionError(f"Expected variable '{name}'; root variables: {sorted(variables)}")
        if from_json(variables[name]) != from_json(value):
            raise AssertionError(f"Expected variable '{name}' = {value!r}, but it is {variables[name]!r}")
        return self

    def has_no_variable(self, name: str) -> ProcessInstanceAssert:
        if name in self.variables():
            raise AssertionError(f"Expected no variable '{name}' on the root scope")
        return self

    def has_no_incidents(self) -> ProcessInstanceAssert:
        messages = self._incident_messages()
        if messages:
            raise AssertionError(f"Expected no incidents, but found {messages}")
        return self

    def has_incident(self, error_type: str | None = None, element_id: str | None = None) -> IncidentView:
        for incident in self._queries.incidents(self.key):
            if incident.state != "ACTIVE":
                continue
            if (error_type is None or incident.error_type == error_type) and (
                element_id is None or incident.element_id == element_id
            ):
                return incident
        raise AssertionError(
            f"Expected an active incident ({error_type}, {element_id}); found {self._incident_messages()}"
        )


class JobAssert:
    def __init__(self, queries: EngineQueries, key: int) -> None:
        self._queries = queries
        self.key = key

    def view(self) -> JobView:
        job = self._queries.job(self.key)
        if job is None:
            raise AssertionError(f"job {self.key} does not exist")
        return job

    def is_in_state(self, state: str) -> JobAssert:
        actual = self.view().state
        if actual != state:
            raise AssertionError(f"Expected job {self.key} in state {state}, but it is {actual}")
        return self

    def has_retries(self, retries: int) -> JobAssert:
        actual = self.view().retries
        if actual != retries:
            raise AssertionError(f"Expected job {self.key} to have {retries} retries, but it has {actual}")
        return self


class IncidentAssert:
    def __init__(self, queries: EngineQueries, key: int) -> None:
        self._queries = queries
        self.key = key

    def view(self) -> IncidentView:
        incident = self._queries.incident(self.key)
        if incident is None:
            raise AssertionError(f"incident {self.key} does not exist")
        return incident

    def is_active(self) -> IncidentAssert:
        if self.view().state != "ACTIVE":
            raise AssertionError(f"Expected incident {self.key} to be active")
        return self

    def is_resolved(self) -> IncidentAssert:
        if self.view().state != "RESOLVED":
            raise AssertionError(f"Expected incident {self.key} to be resolved")
        return self

    def has_error_type(self, error_type: str) -> IncidentAssert:
        actual = self.view().error_type
        if actual != error_type:
            raise AssertionError(f"Expected incident error type {error_type}, but it is {actual}")
        return self

    def has_error_message_containing(self, text: str) -> IncidentAssert:
        message = self.view().error_message
        if text not in message:
            raise AssertionError(f"Expected incident message to contain {text!r}, but it is {message!r}")
        return self
