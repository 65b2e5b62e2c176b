"""BPMN 2.0 + Zeebe extensions: model, parser, validation."""
