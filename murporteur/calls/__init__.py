"""Calls for ideas and landlords' needs, with questions and deadlines of their own."""
