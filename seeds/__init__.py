"""Coaching data: phrase rule packs, tips and thresholds, each citing its seed text."""
