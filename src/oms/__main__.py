"""``python -m oms``: the same as the ``oms`` command."""

from oms.cli import app

app()
