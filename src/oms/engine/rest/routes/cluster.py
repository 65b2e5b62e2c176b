"""``GET /v2/topology`` and ``GET /v2/status``: one broker, one partition, always its leader."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from oms.engine.rest.context import RestContext, rest_context
from oms.engine.rest.schemas.cluster import BrokerInfo, Partition, TopologyResponse

GATEWAY_VERSION = "8.10.0"  # the API version served (the spec the pinned SDK is generated from)

router = APIRouter()
public_router = APIRouter()  # the status probe needs no credentials (spec: ``security: []``)


@router.get("/topology", response_model=TopologyResponse)
async def get_topology(request: Request) -> TopologyResponse:
    partition = Partition(partition_id=1, role="leader", health="healthy", state="active")
    broker = BrokerInfo(
        node_id=0,
        broker_id="0",
        host=request.url.hostname or "localhost",
        port=request.url.port or (443 if request.url.scheme == "https" else 80),
        partitions=[partition],
        version=GATEWAY_VERSION,
    )
    return TopologyResponse(
        brokers=[broker],
        cluster_id="oms-embedded-engine",
        cluster_size=1,
        partitions_count=1,
        replication_factor=1,
        gateway_version=GATEWAY_VERSION,
        last_completed_change_id="-1",
    )


@public_router.get("/status", status_code=204, response_class=Response)
async def get_status(context: RestContext = Depends(rest_context)) -> Response:
    def database_up() -> bool:
        try:
            with context.engine.pool.connection(timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except Exception:  # any failure to reach the database means DOWN; the probe must answer
            return False

    up = await context.call(database_up)
    return Response(status_code=204 if up else 503)
