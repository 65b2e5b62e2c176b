"""Read side: queries run in a transaction of their own (tenant set, row-level security on) and
return views, never aggregates."""
