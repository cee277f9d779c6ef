"""The web console for community workers and district administrators."""
