"""Pydantic models of request bodies (strict: an attribute the API would not store is refused, never
silently dropped) and of response bodies (for the OpenAPI document; routes render dicts so that
``?fields=`` can select attributes)."""
