"""Conventions between a supported project and each organisation, and their amounts."""
