"""Metric data: CSV dumps read into per-date totals, answered as aggregate requests.

A source answers "aggregate these metrics over this window with these filters" in one
call (``Source.answer``), so a later SQL source can run the aggregation in its database.
"""
