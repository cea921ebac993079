"""Impact reporting: the collective's figures by period and organisation."""
