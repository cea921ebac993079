"""The landlords' premises catalogue, and its matching with ideas."""
