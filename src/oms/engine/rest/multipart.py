"""A small ``multipart/form-data`` reader (for ``POST /v2/deployments``).

FastAPI's form support needs the ``python-multipart`` package; a deployment is a handful of parts
read whole, which the standard library's MIME parser handles without another dependency.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from oms.engine.rest.errors import ApiProblem


@dataclass(frozen=True)
class FormPart:
    name: str
    filename: str | None
    content: bytes


def parse_form(content_type: str, body: bytes) -> list[FormPart]:
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiProblem(400, "INVALID_ARGUMENT", f"Expected a multipart/form-data body, but got '{content_type}'")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart() or message.defects:
        raise ApiProblem(400, "INVALID_ARGUMENT", "Expected a well-formed multipart/form-data body")
    parts: list[FormPart] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ApiProblem(400, "INVALID_ARGUMENT", "Expected every form part to have a name")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        parts.append(FormPart(name=name, filename=part.get_filename(), content=content))
    return parts
