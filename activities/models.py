"""Tables of the activities domain."""
