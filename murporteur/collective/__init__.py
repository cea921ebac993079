"""The collective itself: its settings kept in the database and its reference lists."""
