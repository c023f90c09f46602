"""What each region keeps for itself: one PostgreSQL schema per region."""
