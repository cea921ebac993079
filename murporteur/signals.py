"""The domain events. A domain sends them; the domains that react connect receivers.

Receivers run inside the sender's transaction: whatever they write (outbox rows, audit
entries) is committed, or rolled back, with the change that caused it.
"""

from blinker import Namespace

_signals = Namespace()

dossier_transitioned = _signals.signal("dossier-transitioned", doc="""
A dossier changed state. Sender: the ``Dossier``; keyword arguments ``event`` (the
``DossierEvent`` just written) and ``actor`` (the ``User``, or None for the system).
""")

draft_saved = _signals.signal("draft-saved", doc="""
A holder saved a draft. Sender: the ``Dossier``; keyword arguments ``created`` (True the first
time) and ``send_link`` (True when the holder asked for the link to resume by e-mail).
""")

message_posted = _signals.signal("message-posted", doc="""
A message was added to a dossier's thread. Sender: the ``Message``; keyword argument
``answered`` (True when it was the holder's answer to a request for information, which the
``answer_info`` transition already announces).
""")

login_link_requested = _signals.signal("login-link-requested", doc="""
Someone asked for a link to reach their dossiers. Sender: the ``User`` the e-mail belongs to;
keyword argument ``url`` (the single-use link to send).
""")
