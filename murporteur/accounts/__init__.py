"""People and organisations: users, roles, login, links sent by e-mail."""
