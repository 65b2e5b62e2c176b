"""Errors about the catalog itself (as opposed to a configuration checked against it)."""

from __future__ import annotations

from oms.domain.shared.errors import DomainError


class UnknownOffering(DomainError):
    code = "unknownOffering"

    def __init__(self, offering_id: str) -> None:
        super().__init__(f"offering {offering_id!r} is not in the catalog", offering_id=offering_id)
        self.offering_id = offering_id


class InvalidCatalog(DomainError):
    """The catalog contradicts itself (a dangling reference, a default outside the allowed values…).
    Raised when the catalog is built, so a bad catalog never reaches configuration or pricing."""

    code = "invalidCatalog"

    def __init__(self, catalog_version: str, problems: list[str]) -> None:
        super().__init__(
            f"catalog {catalog_version!r} is invalid: " + "; ".join(problems),
            catalog_version=catalog_version,
            problems=problems,
        )
        self.problems = problems
