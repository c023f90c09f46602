"""The demo federation: `kado demo` builds the twelve regions of DOMAIN.md with history."""
