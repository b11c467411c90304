"""Students' data on request: the export of everything held, and anonymisation."""
