"""Maintainers' tasks: adding a report, fetching one, annotations and summaries for pull requests."""
