"""geowire package."""
