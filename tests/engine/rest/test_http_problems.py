"""Bad input through plain HTTP over both transports: RFC 7807 problems with the spec's status
codes, and nothing left behind by a rejected request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rest_support import Api, one_task, unique

pytestmark = pytest.mark.anyio

UNKNOWN_KEY = "2251799813600099"


def _assert_problem(response: httpx.Response, status: int, title: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "instance"}
    assert problem["status"] == status and problem["instance"] == response.request.url.path
    if title is not None:
        assert problem["title"] == title
    return problem


async def _deploy(http: httpx.AsyncClient, xml: bytes, name: str = "model.bpmn") -> httpx.Response:
    return await http.post("/deployments", files=[("resources", (name, xml, "application/xml"))])


async def _count(http: httpx.AsyncClient, resource: str, query_filter: dict[str, Any]) -> int:
    response = await http.post(f"/{resource}/search", json={"filter": query_filter})
    assert response.status_code == 200, response.text
    return int(response.json()["page"]["totalItems"])


async def test_an_unknown_job_key_is_a_404_problem(api: Api) -> None:
    async with api.http() as http:
        response = await http.post(f"/jobs/{UNKNOWN_KEY}/completion", json={})
    problem = _assert_problem(response, 404, "NOT_FOUND")
    assert UNKNOWN_KEY in problem["detail"]


async def test_completing_a_job_twice_is_a_409_problem_and_the_first_completion_stands(api: Api) -> None:
    process_id, job_type = unique("http-twice"), unique("job")
    async with api.http() as http:
        assert (await _deploy(http, one_task(process_id, job_type))).status_code == 200
        created = await http.post("/process-instances", json={"processDefinitionId": process_id})
        activated = await http.post(
            "/jobs/activation",
            json={"type": job_type, "timeout": 60_000, "maxJobsToActivate": 1, "requestTimeout": 5000},
        )
        job_key = activated.json()["jobs"][0]["jobKey"]
        # Zero-length body with a JSON content type, as the SDK sends for a completion without data.
        first = await http.post(
            f"/jobs/{job_key}/completion", content=b"", headers={"content-type": "application/json"}
        )
        second = await http.post(f"/jobs/{job_key}/completion", json={"variables": {"again": True}})
        instance = await http.get(f"/process-instances/{created.json()['processInstanceKey']}")
        again = await _count(
            http, "variables", {"processInstanceKey": created.json()["processInstanceKey"], "name": "again"}
        )
    assert first.status_code == 204
    _assert_problem(second, 409, "INVALID_STATE")
    assert instance.json()["state"] == "COMPLETED"
    assert again == 0


async def test_an_invalid_bpmn_deployment_is_a_400_problem_naming_the_element_and_deploys_nothing(api: Api) -> None:
    process_id = unique("http-invalid")
    broken = one_task(process_id, "job").replace(b'type="job"', b'type=""')
    async with api.http() as http:
        response = await _deploy(http, broken, "broken.bpmn")
        definitions = await _count(http, "process-definitions", {"processDefinitionId": process_id})
    problem = _assert_problem(response, 400, "INVALID_ARGUMENT")
    assert "'work'" in problem["detail"] and "broken.bpmn" in problem["detail"]
    assert definitions == 0


async def test_a_deployment_that_is_not_multipart_or_has_no_resource_is_a_400_problem(api: Api) -> None:
    async with api.http() as http:
        not_multipart = await http.post("/deployments", json={"resources": []})
        no_resources = await http.post("/deployments", files=[("tenantId", (None, b"<default>"))])
    _assert_problem(not_multipart, 400)
    _assert_problem(no_resources, 400)


async def test_a_malformed_json_body_is_a_400_problem_and_creates_nothing(api: Api) -> None:
    process_id = unique("http-malformed")
    async with api.http() as http:
        assert (await _deploy(http, one_task(process_id, unique("job")))).status_code == 200
        response = await http.post(
            "/process-instances",
            content=b'{"processDefinitionId": "' + process_id.encode() + b'", ',
            headers={"content-type": "application/json"},
        )
        instances = await _count(http, "process-instances", {"processDefinitionId": process_id})
    problem = _assert_problem(response, 400)
    assert "JSON" in problem["detail"]
    assert instances == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/process-instances/not-a-key", None),
        ("post", "/process-instances", {"processDefinitionId": "a", "processDefinitionKey": "1"}),
        ("post", "/process-instances", {"processDefinitionId": "a", "tags": ["x"]}),
        ("post", "/jobs/activation", {"type": "t", "timeout": 0, "maxJobsToActivate": 1}),
        ("post", "/jobs/activation", {"type": "t", "maxJobsToActivate": 1}),
        ("patch", f"/jobs/{UNKNOWN_KEY}", {"changeset": {}}),
        ("post", "/process-instances/search", {"filter": {"noSuchField": 1}}),
        ("post", "/process-instances/search", {"filter": {"processInstanceKey": {"$like": "1*"}}}),
        ("post", "/process-instances/search", {"sort": [{"field": "nope"}]}),
        ("post", "/process-instances/search", {"page": {"limit": 0}}),
        ("post", "/process-instances/search", {"page": {"after": "not a cursor"}}),
        ("post", "/messages/publication", {"name": "", "correlationKey": "k"}),
    ],
)
async def test_invalid_requests_are_400_problems(api: Api, method: str, path: str, body: dict[str, Any] | None) -> None:
    async with api.http() as http:
        response = await http.request(method, path, json=body)
    _assert_problem(response, 400)


async def test_unknown_keys_of_other_resources_are_404_problems(api: Api) -> None:
    async with api.http() as http:
        responses = [
            await http.post(f"/incidents/{UNKNOWN_KEY}/resolution"),
            await http.get(f"/incidents/{UNKNOWN_KEY}"),
            await http.get(f"/variables/{UNKNOWN_KEY}"),
            await http.get(f"/process-definitions/{UNKNOWN_KEY}/xml"),
            await http.post(f"/process-instances/{UNKNOWN_KEY}/cancellation", json={}),
            await http.put(f"/element-instances/{UNKNOWN_KEY}/variables", json={"variables": {"a": 1}}),
            await http.patch(f"/jobs/{UNKNOWN_KEY}", json={"changeset": {"retries": 2}}),
        ]
    for response in responses:
        _assert_problem(response, 404, "NOT_FOUND")
