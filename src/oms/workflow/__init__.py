"""The OMS's side of the workflow engine: one client interface (embedded engine or Camunda 8), the
job worker runtime, and the workers that adapt jobs to application commands.

Import the implementations from their modules (``oms.workflow.embedded``, ``oms.workflow.camunda_sdk``):
this package imports neither, so code that only needs the interface pulls in no engine and no SDK.
"""
