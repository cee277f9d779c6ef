"""Civility actions, activities, attendance, service records, deeds, corrections, certificates."""
