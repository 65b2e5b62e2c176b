"""Shared test configuration: the engine's pytest plugin (``oms_engine``) provides the
``engine_database_url`` and ``process_test`` fixtures through its entry point."""
