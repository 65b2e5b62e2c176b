"""Test kit for the embedded engine: harness, pytest plugin, BPMN builder."""
