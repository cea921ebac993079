"""Pieces shared by every domain: the model base, time and money helpers, errors, access."""
