"""The quarterly committee: sessions, agendas, organisations' positions, decisions, minutes."""
