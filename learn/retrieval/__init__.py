"""Retrieval: one query model above the lexical and vector engines (see README.md)."""
