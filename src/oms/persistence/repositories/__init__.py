"""One repository per aggregate, in explicit SQL. Every statement names the tenant
(``WHERE tenant_id = …``) although row-level security would filter anyway: two locks, one door."""
