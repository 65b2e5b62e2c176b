"""One router per resource of the v2 API."""
