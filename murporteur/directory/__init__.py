"""The directory of support structures an idea can be redirected to."""
