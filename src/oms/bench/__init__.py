"""Benchmarks run by ``oms bench``."""
