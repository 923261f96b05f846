"""Supervision and the annual assessment: tasks, progress updates, calendar, notices, scores."""
