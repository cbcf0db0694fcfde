"""The numbers of goals on a date: the evaluator, the status tree, scorecards and the why
walk, explain, the forecast, and the workspace every computing command opens. Imports
core, load, metrics and rules."""
