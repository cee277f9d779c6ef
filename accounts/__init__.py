"""Districts, communities, staff, residents and households: who is who, and who sees what."""
