"""Settings, database, errors, auth, HTTP helpers, scheduler: imported by every domain."""
