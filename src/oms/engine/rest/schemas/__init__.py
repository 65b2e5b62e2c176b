"""Pydantic models of the Camunda v2 API's request and response bodies (the subset served)."""
