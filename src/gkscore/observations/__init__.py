"""Observation sheets: templates, strict readers, merging."""
