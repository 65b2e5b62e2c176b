"""One function per command, grouped by aggregate. Each takes an open unit of work and a request
named as an order (``SubmitQuote``), loads the aggregate, lets the domain decide, saves, records
the audit row, and returns a view. None commits: see ``oms.application.runner``."""
