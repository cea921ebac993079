from flask_wtf import FlaskForm


class ResendForm(FlaskForm):
    """Only the CSRF token: resending is a state change."""
