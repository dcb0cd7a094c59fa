"""Omni's shared kernel: what every domain needs and none should write twice."""
