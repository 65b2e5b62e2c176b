"""Business rules of the OMS: pure Python, no I/O."""
