"""The GraphQL layer over the federation (hub host) and each region (region hosts)."""
