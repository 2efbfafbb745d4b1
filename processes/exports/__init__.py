"""The audit history as process-mining logs: XES (one trace per case) and OCEL 2.0 JSON (cases, departments,
callers as pseudonyms), written as a stream so that any number of cases fits in a few batches of memory."""
