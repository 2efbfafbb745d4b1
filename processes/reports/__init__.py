"""Reports for the county government: the period's figures (counted in SQL), their tables, charts and pages.

``period`` reads the dates people type; ``figures`` counts in the database; ``tables`` lays the figures out
once for every format (CSV, XLSX, HTML, PDF); ``charts`` draws them; ``page`` and ``pdf`` write readable
reports; ``runs`` writes the scheduled daily and weekly reports and records each run.
"""
