"""The web pages over the federation and the regions (no models of their own)."""
