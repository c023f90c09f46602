"""The federation itself: everything stored in PostgreSQL's public schema."""
