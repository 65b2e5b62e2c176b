"""The HTTP edge of the CPQ: TMF620 catalog and TMF648 quote resources over the application layer.

``create_app`` (``app.py``) builds the app from what ``oms.bootstrap`` hands it; nothing here reads
the environment or opens a database."""
