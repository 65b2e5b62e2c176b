"""Application views rendered as TMF JSON (camelCase, ``@type``, ``href``). Amounts stay strings:
no JSON float ever touches money."""
