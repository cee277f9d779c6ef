"""Recognition: badges and their Open Badges 3.0 credentials, star levels, honour rolls."""
