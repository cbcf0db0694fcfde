"""Reading the repository at a revision: revisions (git plumbing), the history a shallow
clone holds, the files changed since a revision. Imports okrctl.core and okrctl.load."""
