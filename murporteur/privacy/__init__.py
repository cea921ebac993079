"""Personal data: the holder's rights (a copy of their data, erasure), retention, backups."""
