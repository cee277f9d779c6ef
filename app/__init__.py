"""The civility platform's service shell and shared kernel."""
