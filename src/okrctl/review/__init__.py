"""Reviews of goals over time: diff between revisions, a goal's history, the cycle's
changes, and the quarterly report model. Imports everything below render."""
