"""Request and response models of the activities domain, one module per concern."""
