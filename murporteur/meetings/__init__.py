"""Flash meetings between holders and landlords, and their schedule."""
