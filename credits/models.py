"""Tables of the credits domain."""
