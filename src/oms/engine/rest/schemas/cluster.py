"""Topology and clock models (``GET /v2/topology``, ``PUT /v2/clock``)."""

from __future__ import annotations

from typing import Literal

from oms.engine.rest.schemas.common import ApiModel


class Partition(ApiModel):
    partition_id: int
    role: Literal["leader", "follower", "inactive"]
    health: Literal["healthy", "unhealthy", "dead"]
    state: Literal["unknown", "joining", "active", "leaving", "recovering"]


class BrokerInfo(ApiModel):
    node_id: int
    broker_id: str
    host: str
    port: int
    partitions: list[Partition]
    version: str


class TopologyResponse(ApiModel):
    brokers: list[BrokerInfo]
    cluster_id: str | None
    cluster_size: int
    partitions_count: int
    replication_factor: int
    gateway_version: str
    last_completed_change_id: str


class ClockPinRequest(ApiModel):
    timestamp: int  # epoch milliseconds
