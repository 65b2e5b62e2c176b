"""CPQ and Order Management System."""
