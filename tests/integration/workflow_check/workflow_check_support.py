"""Helpers of the workflow check suite: BPMN models with given job types."""

from __future__ import annotations

from oms.engine.testing.builder import process


def with_job_types(process_id: str, *job_types: str) -> bytes:
    """start -> one service task per job type, in order -> end."""
    builder = process(process_id).start_event()
    for number, job_type in enumerate(job_types, start=1):
        builder = builder.service_task(f"task_{number}", job_type=job_type)
    return builder.end_event().done()
