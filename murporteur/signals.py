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
keyword arguments ``url`` (the single-use link to send) and ``locale`` (the language of the
page it was asked from, for an account that has not chosen one; may be None).
""")

password_reset_requested = _signals.signal("password-reset-requested", doc="""
Someone asked to choose a new password. Sender: the ``User`` the e-mail belongs to; keyword
arguments ``url`` (the single-use reset link), ``hours`` (how long it is valid), ``token_id``
(the link's ``AccessToken`` id) and ``locale`` (the page's language; may be None).
""")

session_transitioned = _signals.signal("session-transitioned", doc="""
A committee session changed state (convened, held, minutes published). Sender: the
``CommitteeSession``; keyword arguments ``event`` (the ``SessionEvent``) and ``actor``.
""")

agenda_changed = _signals.signal("agenda-changed", doc="""
The schedule of a convened session changed. Sender: the ``CommitteeSession``; keyword
argument ``change``: ``"time"`` (date, time or place changed: everyone invited is told),
``"slots"`` (items moved: ``items`` lists the ``AgendaItem`` whose slot changed) or
``"removed"`` (``dossier``: the ``Dossier`` taken off the agenda).
""")

decisions_published = _signals.signal("decisions-published", doc="""
The committee's decisions on a session's items were published. Sender: the
``CommitteeSession``; keyword argument ``items`` (the ``AgendaItem`` just published).
""")

convention_transitioned = _signals.signal("convention-transitioned", doc="""
A convention changed state. Sender: the ``Convention``; keyword arguments ``event`` (the
``ConventionEvent``) and ``actor``.
""")

premises_transitioned = _signals.signal("premises-transitioned", doc="""
A unit of the premises catalogue changed state (offered, let, available again, withdrawn).
Sender: the ``PremisesUnit``; keyword arguments ``event`` (the ``UnitEvent``) and ``actor``.
""")

event_transitioned = _signals.signal("flash-event-transitioned", doc="""
Sent by the lifecycle engine when a flash meeting event changes state (receivers: the
participants' agendas sent when the schedule is published).
""")

flash_meeting_changed = _signals.signal("flash-meeting-changed", doc="""
A meeting of a flash event whose agendas were sent was placed, moved or removed by hand.
Sender: the ``FlashMeeting``; keyword arguments ``people`` (its holder and representative),
``slot``, ``table`` and ``removed`` (True when it is gone). Receivers tell those two only.
""")

flash_follow_up_recorded = _signals.signal("flash-follow-up-recorded", doc="""
One side of a flash meeting said what it makes of it. Sender: the ``FollowUp``.
""")

invitation_sent = _signals.signal("invitation-sent", doc="""
Someone was invited to choose a password. Sender: the invited ``User``; keyword arguments
``url`` (the single-use invitation link), ``days`` (how long it is valid), ``invitation_id``,
``inviter`` (the inviter's name, may be empty) and ``locale`` (may be None).
""")

invitation_renewal_asked = _signals.signal("invitation-renewal-asked", doc="""
Someone holding an expired or revoked invitation asked for a new one. Sender: the invited
``User``; keyword arguments ``invitation_id`` and ``inviter`` (the ``User`` who invited them,
or None: the admins are told).
""")

call_transitioned = _signals.signal("call-transitioned", doc="""
A call for ideas or a need changed state (sent for approval, published, withdrawn). Sender:
the ``Call``; keyword arguments ``event`` (the ``CallEvent``) and ``actor``.
""")

call_answered = _signals.signal("call-answered", doc="""
An idea answering a call or a need was sent. Sender: the ``CallResponse``.
""")

signatory_designated = _signals.signal("signatory-designated", doc="""
An organisation's authorised signatory changed (designated, replaced or withdrawn). Sender: the
``Organisation``; keyword arguments ``signatory`` (the ``User`` now designated, or None),
``previous`` (the one before, or None) and ``actor``.
""")
