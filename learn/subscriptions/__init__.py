"""Saved searches and channel follows: matching new resources, email digests and Atom feeds."""
