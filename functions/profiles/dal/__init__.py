"""Profiles keep no data yet: the identity graph, merges and consent arrive with the profiles issue."""
