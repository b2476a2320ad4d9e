"""Accounts: users (local, OIDC, gateway, bearer JWT), profiles, lists, learning paths."""
