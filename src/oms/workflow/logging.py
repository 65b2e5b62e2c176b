"""Structured JSON logs (structlog), configured by the process that runs, never at import.

Worker log lines carry camelCase fields (``jobKey``, ``jobType``, ``processInstanceKey``,
``elementId``, ``workerId``) like the rest of the OMS's logs, so one query follows a job across the
engine, the worker and the application services.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog


def configure_logging(*, level: str = "INFO", stream: TextIO | None = None) -> None:
    """One JSON object per line on ``stream`` (stdout by default), with an ISO UTC timestamp."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(stream if stream is not None else sys.stdout),
        cache_logger_on_first_use=False,
    )
