"""okrctl: goals as code. OKRs, KPIs and Balanced Scorecards as YAML in git."""

__version__ = "0.1.0"
