"""Every route × every role: who gets in, who is sent to log in, who is refused.

A route missing from ROUTES fails the test: a new page must say who may open it.
"""

from datetime import timedelta

import pytest

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.notifications.services import queue
from murporteur.submissions.uploads import store
from tests import files
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AnimatorFactory,
    DraftFactory,
    HolderFactory,
    MemberFactory,
    designated,
    submitted_dossier,
)

#: "holder" owns the world's dossier and draft; "other_holder" is another holder. "member" belongs
#: to organisation A, invited to the session and party to the convention; "member_b" to
#: organisation B, invited nowhere: what A's member reaches through A, B's must not.
ROLES = ("anonymous", "holder", "other_holder", "animator", "member", "member_b", "admin")
LOGIN = "login"  # redirected to the login page


def _all(code):
    return dict.fromkeys(ROLES, code)


def _only(allowed, code_others=403, **codes):
    expected = dict.fromkeys(ROLES, code_others)
    expected["anonymous"] = LOGIN
    for role in allowed:
        expected[role] = 200
    if "member" in allowed:  # a page about one's own organisation: B's member sees B's
        expected["member_b"] = 200
    expected.update(codes)
    return expected


# endpoint -> (method, url template, expected status per role)
ROUTES = {
    "public.landing": ("GET", "/", _all(200)),
    "public.privacy": ("GET", "/donnees-personnelles", _all(200)),
    "public.healthz": ("GET", "/healthz", _all(200)),
    "public.readyz": ("GET", "/readyz", _all(200)),
    # Local requests only (or a bearer METRICS_TOKEN): the test client calls from 127.0.0.1.
    "metrics.metrics": ("GET", "/metrics", _all(200)),
    "public.set_language": ("POST", "/langue", _all(302)),
    "accounts.login": ("GET", "/connexion", _all(200)),
    "accounts.logout": ("POST", "/deconnexion", _all(302)),
    "accounts.forget_device": ("POST", "/oublier-cet-appareil", _all(302)),
    "accounts.request_link": ("GET", "/retrouver-mon-dossier", _all(200)),
    "accounts.follow_link": ("GET", "/lien/{token}", _all(200)),
    "accounts.forgot_password": ("GET", "/mot-de-passe-oublie", _all(200)),
    "accounts.reset_password": ("GET", "/mot-de-passe/{reset_token}", _all(200)),
    "accounts.set_password": ("GET", "/compte/mot-de-passe",
                              _only(ROLES[1:], anonymous=LOGIN)),
    # The second step needs a password checked a moment ago in this browser: none here.
    "second_factor.verify_code": ("GET", "/connexion/verification", _all(LOGIN)),
    # Holders have no second factor; staff already enrolled are sent to its management.
    "second_factor.enrol": ("GET", "/compte/double-authentification/activer",
                            _only(["member"], animator=302, admin=302)),
    "second_factor.manage": ("GET", "/compte/double-authentification",
                             _only(["animator", "member", "admin"])),
    # A member who has not enrolled is sent back to the page that offers it.
    "second_factor.disable": ("POST", "/compte/double-authentification/desactiver",
                              _only([], animator=422, member=302, member_b=302, admin=422)),
    "second_factor.renew_codes": ("POST", "/compte/double-authentification/codes",
                                  _only([], animator=422, member=302, member_b=302,
                                        admin=422)),
    "submissions.new_idea": ("GET", "/deposer", _all(200)),
    "submissions.edit_draft": ("GET", "/deposer/{draft}",
                               {**_all(404), "anonymous": 302, "holder": 200}),
    "submissions.confirmation": ("GET", "/deposer/{dossier}/merci",
                                 {**_all(404), "holder": 200}),
    "submissions.my_dossiers": ("GET", "/mes-dossiers", _only(ROLES[1:])),
    "submissions.show_dossier": ("GET", "/mes-dossiers/{dossier}",
                                 {**_all(404), "anonymous": LOGIN, "holder": 200}),
    "submissions.post_message": ("POST", "/mes-dossiers/{dossier}/messages",
                                 {**_all(404), "anonymous": LOGIN, "holder": 422}),
    "submissions.withdraw_dossier": ("GET", "/mes-dossiers/{dossier}/retirer",
                                     {**_all(404), "anonymous": LOGIN, "holder": 200}),
    "submissions.download_document": ("GET", "/documents/{document}",
                                      {**_all(404), "holder": 200, "animator": 200}),
    "triage.inbox": ("GET", "/instruction/", _only(["animator"])),
    "triage.bulk_action": ("POST", "/instruction/lot", _only([], animator=302)),
    "triage.export": ("GET", "/instruction/export.csv", _only(["animator"])),
    "triage.labels": ("GET", "/instruction/etiquettes", _only(["animator"])),
    "triage.assign_dossier": ("POST", "/instruction/dossiers/{number}/attribuer",
                              _only([], animator=422)),
    "triage.toggle_follow": ("POST", "/instruction/dossiers/{number}/suivre",
                             _only([], animator=302)),
    "triage.set_labels": ("POST", "/instruction/dossiers/{number}/etiquettes",
                          _only([], animator=302)),
    "triage.schedule_call": ("POST", "/instruction/dossiers/{number}/appels/planifier",
                             _only([], animator=422)),
    "triage.record_call": ("POST", "/instruction/dossiers/{number}/appels",
                           _only([], animator=422)),
    "triage.save_qualification": ("POST", "/instruction/dossiers/{number}/qualification",
                                  _only([], animator=302)),
    "triage.decide": ("POST", "/instruction/dossiers/{number}/decision/retain",
                      _only([], animator=422)),
    "triage.add_note": ("POST", "/instruction/dossiers/{number}/notes",
                        _only([], animator=422)),
    "directory.list_structures": ("GET", "/instruction/structures/", _only(["animator"])),
    "directory.new_structure": ("GET", "/instruction/structures/nouvelle",
                                _only(["animator"])),
    "directory.show_structure": ("GET", "/instruction/structures/{structure}",
                                 _only(["animator"])),
    "directory.edit_structure": ("GET", "/instruction/structures/{structure}/modifier",
                                 _only(["animator"])),
    "directory.archive_structure": ("POST", "/instruction/structures/{structure}/archiver",
                                    _only([], animator=302)),
    "directory.restore_structure": ("POST", "/instruction/structures/{structure}/restaurer",
                                    _only([], animator=302)),
    "notifications.preferences": ("GET", "/compte/notifications", _only(ROLES[1:])),
    "notifications.in_app": ("GET", "/notifications", _only(ROLES[1:])),
    "notifications.read_all_in_app": ("POST", "/notifications/tout-lu", {
        **_all(302), "anonymous": LOGIN}),
    "notifications.open_in_app": ("POST", "/notifications/{in_app}/lu", {
        **_all(404), "anonymous": LOGIN, "holder": 302}),
    # The committee, animators' side (requests run in this order: the state-changing last).
    "committee.list_sessions": ("GET", "/instruction/comites/", _only(["animator"])),
    "committee.new_session": ("GET", "/instruction/comites/nouvelle", _only(["animator"])),
    "committee.edit_session": ("GET", "/instruction/comites/{session}/modifier",
                               _only(["animator"])),
    "committee.show_session": ("GET", "/instruction/comites/{session}", _only(["animator"])),
    "committee.live_grid": ("GET", "/instruction/comites/{session}/grille", _only(["animator"])),
    "committee.decision_page": ("GET", "/instruction/comites/{session}/decision/{item}",
                                _only(["animator"])),
    "committee.move_item": ("POST", "/instruction/comites/{session}/ordre/{item}/down",
                            _only([], animator=302)),
    "committee.add_item": ("POST", "/instruction/comites/{session}/ajouter",
                           _only([], animator=422)),
    "committee.record_decision": ("POST", "/instruction/comites/{session}/decision/{item}",
                                  _only([], animator=422)),
    "committee.publish_decisions": ("POST", "/instruction/comites/{session}/publier-decisions",
                                    _only([], animator=422)),
    "committee.set_attendance": ("POST", "/instruction/comites/{session}/presences",
                                 _only([], animator=302)),
    "committee.publish_minutes": ("POST", "/instruction/comites/{session}/compte-rendu",
                                  _only([], animator=422)),
    "committee.download_minutes": ("GET", "/instruction/comites/{session}/compte-rendu.pdf",
                                   _only([], animator=404)),
    "committee.hold": ("POST", "/instruction/comites/{session}/tenir", _only([], animator=422)),
    "committee.convene": ("POST", "/instruction/comites/{session}/convoquer",
                          _only([], animator=302)),
    "committee.remove_item": ("POST", "/instruction/comites/{session}/retirer/{item}",
                              _only([], animator=302)),
    # Conventions.
    "conventions.list_conventions": ("GET", "/conventions/", _only(["animator"])),
    "conventions.my_conventions": ("GET", "/conventions/mes-conventions", _only(["member"])),
    "conventions.dossier_conventions": ("GET", "/conventions/dossiers/{supported}",
                                        _only(["animator"])),
    "conventions.show_convention": ("GET", "/conventions/{convention}",
                                    _only(["animator", "member"], member_b=404)),
    "conventions.edit_convention": ("POST", "/conventions/{convention}/modifier",
                                    _only([], animator=422)),
    "conventions.amend_convention": ("POST", "/conventions/{convention}/avenant",
                                     _only([], animator=422)),
    "conventions.add_payment": ("POST", "/conventions/{convention}/versements",
                                _only([], animator=422)),
    "conventions.mark_payment_paid": ("POST",
                                      "/conventions/{convention}/versements/{payment}/paye",
                                      _only([], animator=422)),
    "conventions.upload_signed_copy": ("POST", "/conventions/{convention}/copie-signee",
                                       _only([], animator=422, member=422, member_b=404)),
    "conventions.apply_step": ("POST", "/conventions/{convention}/etape/terminate",
                               _only([], animator=422, member=403, member_b=404)),
    "conventions.delete_payment": ("POST",
                                   "/conventions/{convention}/versements/{payment}/supprimer",
                                   _only([], animator=302)),
    "conventions.create_for_dossier": ("POST", "/conventions/dossiers/{supported}/creer",
                                       _only([], animator=302)),
    # The read-only API authenticates by token, never by the session cookie.
    "api.list_dossiers": ("GET", "/api/v1/dossiers", _all(401)),
    "api.show_dossier": ("GET", "/api/v1/dossiers/{number}", _all(401)),
    "api.list_sessions": ("GET", "/api/v1/sessions", _all(401)),
    "api.list_conventions": ("GET", "/api/v1/conventions", _all(401)),
    "api.list_payments": ("GET", "/api/v1/payments", _all(401)),
    "api.show_convention_followup": ("GET", "/api/v1/conventions/{fup}/followup", _all(401)),
    "api.download_document": ("GET", "/api/v1/documents/{document}", _all(401)),
    "api.show_stats": ("GET", "/api/v1/stats", _all(200)),
    "api.openapi_document": ("GET", "/api/v1/openapi.json", _all(200)),
    "api.unknown_route": ("GET", "/api/v1/nothing", _all(404)),
    "api_tokens.list_tokens": ("GET", "/compte/api", _only(["animator", "member"])),
    "api_tokens.create_token": ("POST", "/compte/api",
                                _only([], animator=422, member=422, member_b=422)),
    "api_tokens.revoke_token": ("POST", "/compte/api/{api_token}/revoquer",
                                _only([], animator=404, member=302, member_b=404)),
    # Reporting.
    "reporting.dashboard": ("GET", "/rapports/", _only(["animator", "member"])),
    "reporting.export_conventions": ("GET", "/rapports/conventions.csv",
                                     _only(["animator", "member"])),
    "reporting.export_payments": ("GET", "/rapports/versements.csv",
                                  _only(["animator", "member"])),
    # Issue 17 (jobs): the yearly report is asked for (POST) and laid out in the background.
    "reporting.prepare_yearly_report": ("POST", "/rapports/rapport-2026",
                                        _only([], animator=303)),
    "reporting.export_organisations": ("GET", "/rapports/organisations.csv",
                                       _only(["animator", "member"])),
    "reporting.export_supported": ("GET", "/rapports/projets-soutenus.xlsx",
                                   _only(["animator"])),
    # The members' portal.
    "members.sessions": ("GET", "/comite/", _only(["member"])),
    "members.show_session": ("GET", "/comite/seances/{session}",
                             _only(["member"], member_b=404)),
    "members.show_item": ("GET", "/comite/seances/{session}/points/{item}",
                          _only(["member"], member_b=404)),
    "members.download_minutes": ("GET", "/comite/seances/{session}/compte-rendu.pdf",
                                 _only([], member=404, member_b=404)),
    "members.give_proxy": ("POST", "/comite/seances/{session}/procuration",
                           _only([], member=422, member_b=404)),
    "triage.show_dossier": ("GET", "/instruction/dossiers/{number}", _only(["animator"])),
    "triage.post_message": ("POST", "/instruction/dossiers/{number}/messages",
                            _only([], animator=422)),
    "notifications.outbox": ("GET", "/admin/outbox/", _only(["admin"])),
    "notifications.catalogue": ("GET", "/admin/notifications/", _only(["admin"])),
    "notifications.preview": ("GET", "/admin/notifications/dossier_receipt", _only(["admin"])),
    "notifications.preview_html": ("GET", "/admin/notifications/dossier_receipt/en.html",
                                   _only(["admin"])),
    "notifications.show": ("GET", "/admin/outbox/{outbox}", _only(["admin"])),
    "notifications.resend": ("POST", "/admin/outbox/{outbox}/renvoyer",
                             _only([], admin=302)),
    "public.accessibility": ("GET", "/accessibilite", _all(200)),
    # A holder's own data (privacy): only holders, each about themselves.
    "privacy.my_data": ("GET", "/compte/mes-donnees", _only(["holder", "other_holder"])),
    "privacy.download_my_data": ("GET", "/compte/mes-donnees.zip",
                                 _only(["holder", "other_holder"])),
    "privacy.request_erasure": ("GET", "/compte/effacement",
                                _only(["holder", "other_holder"])),
    # Issue 15 (col): the collective's settings and reference lists (admins); labels' archive.
    "collective.edit_settings": ("GET", "/admin/collectif", _only(["admin"])),
    "collective.edit_list": ("GET", "/admin/listes/theme", _only(["admin"])),
    "collective.update_entry": ("POST", "/admin/listes/theme/1",
                                _only([], admin=422)),
    "collective.archive_entry": ("POST", "/admin/listes/theme/1/archiver",
                                 _only([], admin=302)),
    "api.show_reference_list": ("GET", "/api/v1/references/theme", _all(401)),
    "triage.edit_label": ("GET", "/instruction/etiquettes/{label}/modifier",
                          _only(["animator"])),
    "triage.archive_label": ("POST", "/instruction/etiquettes/{label}/archiver",
                             _only([], animator=302)),
    # Issue 19 (prem): the premises catalogue. "unit" is A's public unit, "hidden_unit" A's
    # collective-only one: a member edits only their organisation's units.
    "premises.public_list": ("GET", "/locaux/", _all(200)),
    "premises.show_unit": ("GET", "/locaux/{hidden_unit}",
                           _only(["animator", "member"], code_others=404,
                                 anonymous=404)),
    "premises.photo": ("GET", "/locaux/{unit}/photos/{unit_photo}.jpg", _all(200)),
    "premises.manage_units": ("GET", "/locaux/catalogue", _only(["animator", "member"])),
    "premises.new_unit": ("GET", "/locaux/catalogue/nouveau", _only(["animator", "member"])),
    "premises.edit_unit": ("GET", "/locaux/{unit}/modifier",
                           _only(["animator", "member"], member_b=404)),
    "premises.delete_photo": ("POST", "/locaux/{hidden_unit}/photos/999999/supprimer",
                              _only([], animator=302, member=302, member_b=404)),
    "premises.move_unit": ("POST", "/locaux/{hidden_unit}/etat/nowhere",
                           _only([], animator=404, member=404, member_b=404)),
    "premises.report": ("GET", "/locaux/bilan", _only(["animator", "member"])),
    "premises.export_report": ("GET", "/locaux/bilan.csv", _only(["animator", "member"])),
    "api.list_premises": ("GET", "/api/v1/premises", _all(200)),
    # Issue 21 (meet): projects one organisation backs alone, for members (their own list).
    "members.second_backer": ("GET", "/comite/second-soutien", _only(["member"])),
    # Issue 21 (meet): flash meetings — the animators run them; a participant acts through
    # their personal link (anyone holding it); the public registration page is open to all.
    "meetings.list_events": ("GET", "/rencontres/", _only(["animator"])),
    "meetings.new_event": ("GET", "/rencontres/nouvelle", _only(["animator"])),
    "meetings.edit_event": ("GET", "/rencontres/{flash_event}/modifier", _only(["animator"])),
    "meetings.show_event": ("GET", "/rencontres/{flash_event}", _only(["animator"])),
    "meetings.add_holder": ("POST", "/rencontres/{flash_event}/porteurs",
                            _only([], animator=422)),
    "meetings.add_member": ("POST", "/rencontres/{flash_event}/representants",
                            _only([], animator=422)),
    "meetings.withdraw_participant": (
        "POST", "/rencontres/{flash_event}/participants/{flash_spare}/retirer",
        _only([], animator=302)),
    "meetings.resend_link": ("POST", "/rencontres/{flash_event}/participants/{flash_rep}/lien",
                             _only([], animator=302)),
    "meetings.make_schedule": ("POST", "/rencontres/{flash_empty}/planning",
                               _only([], animator=302)),
    "meetings.place_meeting": ("POST", "/rencontres/{flash_event}/rendez-vous",
                               _only([], animator=422)),
    "meetings.move_meeting": (
        "POST", "/rencontres/{flash_event}/rendez-vous/{flash_meeting_b}/deplacer",
        _only([], animator=422)),
    "meetings.remove_meeting": (
        "POST", "/rencontres/{flash_event}/rendez-vous/{flash_meeting}/retirer",
        _only([], animator=302)),
    "meetings.take_step": ("POST", "/rencontres/{flash_empty}/etape/publish",
                           _only([], animator=409)),
    "meetings.export_schedule": ("GET", "/rencontres/{flash_event}/planning.csv",
                                 _only(["animator"])),
    "meetings.prepare_table_sheets": ("POST", "/rencontres/{flash_event}/tables",
                                      _only([], animator=303)),
    "meetings.participant_home": ("GET", "/rencontres/p/{flash_token}", _all(200)),
    "meetings.participant_agenda": ("GET", "/rencontres/p/{flash_token}/agenda.ics",
                                    _all(200)),
    "meetings.record_follow_up": (
        "POST", "/rencontres/p/{flash_token}/suites/{flash_meeting_b}", _all(422)),
    "meetings.register": ("GET", "/rencontres/{flash_event}/inscription", _all(200)),
    # Issue 15 (org): the collective's organisations, people, invitations and imports.
    "admin.home": ("GET", "/admin/", _only(["admin"])),
    "admin.import_spreadsheet": ("GET", "/admin/import", _only(["admin"])),
    "admin.preview_import": ("GET", "/admin/import/{staged}", _only(["admin"])),
    "admin.confirm_import": ("POST", "/admin/import/{staged}", _only([], admin=302)),
    "organisations.list_organisations": ("GET", "/admin/organisations/", _only(["admin"])),
    "organisations.new_organisation": ("GET", "/admin/organisations/nouvelle",
                                       _only(["admin"])),
    # Issue 18 (sign): the animators open an organisation's page to designate its
    # authorised signatory (editing it stays the admins').
    "organisations.show_organisation": ("GET", "/admin/organisations/{organisation}",
                                        _only(["animator", "admin"])),
    "organisations.designate_signatory": ("POST",
                                          "/admin/organisations/{organisation}/signataire",
                                          _only([], animator=422, admin=422)),
    "organisations.withdraw_signatory": (
        "POST", "/admin/organisations/{organisation}/signataire/retirer",
        _only([], animator=302, admin=302)),
    "organisations.edit_organisation": ("GET", "/admin/organisations/{organisation}/modifier",
                                        _only(["admin"])),
    "organisations.archive_organisation": (
        "POST", "/admin/organisations/{organisation}/archiver", _only([], admin=302)),
    "organisations.restore_organisation": (
        "POST", "/admin/organisations/{organisation}/restaurer", _only([], admin=302)),
    "organisation_logos.logo": ("GET", "/organisations/{organisation}/logo.png", _all(200)),
    "organisations.remove_logo": ("POST", "/admin/organisations/{organisation}/logo/supprimer",
                                  _only([], admin=302)),
    "people.list_people": ("GET", "/admin/personnes/", _only(["animator", "admin"])),
    "people.invite_person": ("GET", "/admin/personnes/inviter", _only(["animator", "admin"])),
    "people.show_person": ("GET", "/admin/personnes/{person}", _only(["animator", "admin"])),
    "people.accept_invitation": ("GET", "/invitation/{invitation}", _all(200)),
    "people.ask_new_invitation": ("POST", "/invitation/{invitation}/nouvelle", _all(302)),
    "people.resend_invitation": ("POST", "/admin/personnes/{person}/renvoyer",
                                 _only([], animator=302, admin=302)),
    "people.revoke_invitation": ("POST", "/admin/personnes/{person}/retirer",
                                 _only([], animator=302, admin=302)),
    "people.deactivate_person": ("POST", "/admin/personnes/{person}/desactiver",
                                 _only([], animator=302, admin=302)),
    "people.reactivate_person": ("POST", "/admin/personnes/{person}/reactiver",
                                 _only([], animator=302, admin=302)),
    "people.move_person": ("POST", "/admin/personnes/{person}/organisation",
                           _only([], animator=422, admin=422)),
    # Issue 17 (uxh): a fresh link in one click (mailed to the link's holder, whoever
    # clicks), and the PDF of what was sent, for its holder only.
    "accounts.fresh_link": ("POST", "/lien/{token}/nouveau", _all(302)),
    "submissions.receipt": ("GET", "/deposer/{dossier}/recapitulatif.pdf",
                            {**_all(404), "holder": 200}),
    "submissions.autosave_draft": ("POST", "/deposer/{draft}/enregistrement-auto",
                                   {**_all(404), "holder": 204}),
    # Issue 18 (sign): templates, generated documents, electronic signatures. A signature
    # page is its signatory's alone (the member of the organisation it was sent to).
    "signing.list_templates": ("GET", "/conventions/modeles", _only(["animator"])),
    "signing.edit_template": ("GET", "/conventions/modeles/financing", _only(["animator"])),
    "signing.preview_template": ("POST", "/conventions/modeles/financing/apercu",
                                 _only([], animator=422)),
    "signing.send_for_signature": ("POST", "/conventions/dossiers/{supported}/signature",
                                   _only([], animator=302)),
    "signing.document_pdf": ("GET", "/conventions/documents/{sign_document}.pdf",
                             _only(["animator", "member"], 404, member_b=404)),
    "signing.sealed_pdf": ("GET", "/conventions/documents/{sign_document}/scellee.pdf",
                           _only([], 404)),
    "signing.signature_page": ("GET", "/conventions/signatures/{signature}",
                               _only(["member"], 404, member_b=404)),
    "signing.send_code": ("POST", "/conventions/signatures/{signature}/code",
                          _only([], 404, member=302)),
    "signing.sign": ("POST", "/conventions/signatures/{signature}/signer",
                     _only([], 404, member=422)),
    "signing.delegate": ("POST", "/conventions/signatures/{signature}/deleguer",
                         _only([], 404, member=422)),
    # Only who delegated a signature takes it back (A's signatory has delegated nothing).
    "signing.withdraw_delegation": ("POST", "/conventions/signatures/{signature}/reprendre",
                                    _only([], 404, member=403)),
    "signing.preview_dossier_document": ("GET", "/conventions/dossiers/{supported}/apercu.pdf",
                                         _only(["animator"])),
    "signing.verify": ("GET", "/conventions/verifier", _all(200)),
    "signing.mark_tfpb": ("POST", "/conventions/{convention}/tfpb", _only([], animator=302)),
    "signing.tfpb_report": ("GET", "/conventions/tfpb", _only(["animator"])),
    # Issue 17 (uxs): the staff's search from the header, its page and its suggestions.
    "triage.search_everything": ("GET", "/instruction/recherche?q=caf", _only(["animator"])),
    "triage.search_suggestions": ("GET", "/instruction/recherche/suggestions?q=caf",
                                  _only(["animator"])),
    "committee.live_grid_fragment": ("GET", "/instruction/comites/{session}/grille/direct",
                                     _only(["animator"])),
    # Issue 17 (jobs): a background job (here the animator's yearly report, done) is seen,
    # followed and downloaded by whom its domain lets see the work; to anybody else it does
    # not exist. Its "Réessayer" leaves a job that did not fail as it is.
    "jobs.show_job": ("GET", "/taches/{job}", _only(["animator"], 404)),
    "jobs.job_progress": ("GET", "/taches/{job}/progression", _only(["animator"], 404)),
    "jobs.download_result": ("GET", "/taches/{job}/fichier", _only(["animator"], 404)),
    "jobs.retry_job": ("POST", "/taches/{job}/reessayer", _only([], 404, animator=303)),
    "triage.save_view": ("POST", "/instruction/vues", _only([], animator=302)),
    # No such view: refused (422), as for anybody else's.
    "triage.delete_view": ("POST", "/instruction/vues/999999/supprimer",
                           _only([], animator=422)),
    # Issue 20 (calls): published calls are public; a member's draft call is its
    # organisation's and the animators'; the answers are the animators'.
    "calls.list_calls": ("GET", "/appels", _all(200)),
    "calls.show_call": ("GET", "/appels/{open_call}", _all(200)),
    "calls.manage_calls": ("GET", "/appels/gestion", _only(["animator", "member"])),
    "calls.new_call": ("GET", "/appels/nouveau", _only(["animator", "member"])),
    "calls.edit_call": ("GET", "/appels/{call}/modifier",
                        _only(["animator", "member"], member_b=404)),
    "calls.edit_questions": ("GET", "/appels/{call}/questions",
                             _only(["animator", "member"], member_b=404)),
    "calls.edit_question": ("GET", "/appels/{call}/questions/{question}",
                            _only(["animator", "member"], member_b=404)),
    "calls.remove_question": ("POST", "/appels/{call}/questions/{question}/retirer",
                              _only([], animator=302, member=302, member_b=404)),
    "calls.compare_answers": ("GET", "/appels/{open_call}/reponses", _only(["animator"])),
    "calls.export_answers": ("GET", "/appels/{open_call}/reponses.csv", _only(["animator"])),
    "calls.put_on_agenda": ("POST", "/appels/{open_call}/reponses/ordre-du-jour",
                            _only([], animator=422)),
    "calls.report_calls": ("GET", "/appels/bilan", _only(["animator"])),
    "api.list_calls": ("GET", "/api/v1/calls", _all(200)),
    "api.show_call": ("GET", "/api/v1/calls/{open_call}", _all(200)),
    "calls.move_call": ("POST", "/appels/{call}/etapes/ask_approval",
                        _only([], animator=302, member=302, member_b=404)),
    # Issue 18 (fup): the follow-up of the holder's running convention with A: the animators
    # set it; only its holder reports and asks for a payment; A's member and the animators
    # decide on a request, B's member does not even see it.
    # The running convention's follow-up is set and changed by the animators and A's members.
    "followup.setup": ("GET", "/conventions/{fup}/suivi",
                       _only(["animator", "member"], member_b=404)),
    "followup.add_indicator": ("POST", "/conventions/{fup}/suivi/indicateurs",
                               _only([], animator=422, member=422, member_b=404)),
    "followup.add_reporting_date": ("POST", "/conventions/{fup}/suivi/dates",
                                    _only([], animator=422, member=422, member_b=404)),
    "followup_edit.edit_indicator": (
        "POST", "/conventions/{fup}/suivi/indicateurs/{fup_indicator}",
        _only([], animator=422, member=422, member_b=404)),
    "followup_edit.archive_indicator": (
        "POST", "/conventions/{fup}/suivi/indicateurs/{fup_indicator}/archiver",
        _only([], animator=302, member=302, member_b=404)),
    "followup_edit.restore_indicator": (
        "POST", "/conventions/{fup}/suivi/indicateurs/{fup_indicator}/restaurer",
        _only([], animator=302, member=302, member_b=404)),
    "followup_edit.delete_indicator": (
        "POST", "/conventions/{fup}/suivi/indicateurs/{fup_spare}/supprimer",
        _only([], animator=302, member=302, member_b=404)),
    "followup_edit.move_reporting_date": (
        "POST", "/conventions/{fup}/suivi/dates/{fup_spare_date}",
        _only([], animator=422, member=422, member_b=404)),
    "followup_edit.delete_reporting_date": (
        "POST", "/conventions/{fup}/suivi/dates/{fup_spare_date}/supprimer",
        _only([], animator=302, member=302, member_b=404)),
    # A report is read by the animators and A's members; its holder alone corrects it.
    "followup_edit.acknowledge_report": (
        "POST", "/conventions/{fup}/bilans/{fup_reported}/lu",
        _only([], animator=302, member=302, member_b=404)),
    "followup_edit.correct_report": ("GET", "/conventions/{fup}/bilans/{fup_reported}/corriger",
                                     {**_all(404), "anonymous": LOGIN, "holder": 200}),
    "followup.report_page": ("GET", "/conventions/{fup}/bilans/{fup_date}",
                             {**_all(404), "anonymous": LOGIN, "holder": 200}),
    "followup.request_payment": ("GET", "/conventions/{fup}/versements/{fup_payment}/demande",
                                 {**_all(404), "anonymous": LOGIN, "holder": 200}),
    "followup.decide": ("GET", "/conventions/{fup}/demandes/{fup_request}",
                        _only(["animator", "member"], member_b=404)),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(ROUTES)


@pytest.fixture
def world(app):
    holder = HolderFactory(password_hash=AnimatorFactory().password_hash)
    dossier = submitted_dossier(holder=holder)
    draft = DraftFactory(holder=holder)
    document = store(files.upload_storage(files.pdf(), "plan.pdf"), dossier_id=dossier.id)
    row = queue("login_link", holder, {"login_url": "x", "full_name": ""},
                idempotency_key="matrix")
    from murporteur.accounts.models import TokenPurpose
    from murporteur.accounts.services import issue_link

    link = issue_link(holder, TokenPurpose.LOGIN)
    reset = issue_link(holder, TokenPurpose.PASSWORD_RESET)
    users = {"holder": holder, "other_holder": HolderFactory(
        password_hash=holder.password_hash), "animator": AnimatorFactory(),
        "member": MemberFactory(), "member_b": MemberFactory(), "admin": AdminFactory()}
    designated(users["member"])  # A's authorised signatory (B has none)
    from murporteur.committee import services as committee

    on_agenda = submitted_dossier()
    on_agenda.state = "retained"
    session = committee.create_session(users["animator"], starts_at=utcnow(), place="Lyon",
                                       organisations=[users["member"].organisation])
    item = committee.add_item(session, on_agenda, users["animator"])
    committee.add_item(session, DraftFactory(state="retained", number="MP-2026-0777"),
                       users["animator"])
    from murporteur.api.services import create_token
    from murporteur.conventions import services as conventions

    api_token, _plain = create_token(users["member"], "matrix")
    from murporteur.conventions.models import Convention

    supported = submitted_dossier()
    supported.state = "supported"
    convention = Convention(dossier=supported, organisation=users["member"].organisation,
                            kind="financing", state="draft", committed_cents=500000)
    db.session.add(convention)
    db.session.flush()
    payment = conventions.schedule_payment(convention, users["animator"],
                                           utcnow().date(), 100000)
    db.session.flush()
    from murporteur.directory.seed import seed_structures

    structure = seed_structures()[0]
    from murporteur.notifications.models import InAppNotification

    in_app = InAppNotification(user_id=users["holder"].id, key="test", subject="Test", url="/")
    db.session.add(in_app)
    db.session.flush()
    values = {"in_app": in_app.id, "api_token": api_token.id, "supported": supported.number,
              "convention": convention.id, "payment": payment.id, "session": session.id,
              "item": item.id, "structure": structure.id, "dossier": dossier.public_id,
              "draft": draft.public_id,
              "number": dossier.number, "document": document.public_id, "outbox": row.id,
              "token": link.signed, "reset_token": reset.signed}
    from murporteur.triage.models import Label  # issue 15 (col): a label to archive
    values["label"] = Label(name="Matrice", colour="grey")
    db.session.add(values["label"])
    db.session.flush()
    values["label"] = values["label"].id
    from murporteur.premises import photos as premises_photos
    from murporteur.premises import services as premises
    from tests.premises.conftest import unit_values

    unit = premises.save_unit(None, users["member"], None, **unit_values())
    values["unit"] = unit.id
    values["unit_photo"] = premises_photos.add_photo(unit, files.png(), "vitrine.png").id
    values["hidden_unit"] = premises.save_unit(None, users["member"], None, **unit_values(
        visibility="collective")).id
    # Issue 21 (meet): an event taking registrations, with two meetings, and an empty one.
    from murporteur.meetings import services as meetings
    from murporteur.meetings.models import Side

    def flash_event(title):
        return meetings.create_event(users["animator"], title=title, place="Lyon",
                                     starts_at=utcnow(), slot_minutes=15, slot_count=4,
                                     tables=2, breaks=[], registration_open=True)

    event, empty = flash_event("Flash"), flash_event("Flash à venir")
    holder_p, flash_token = meetings.add_holder_of(users["animator"], event, dossier)
    rep_a, _t = meetings.add_member(users["animator"], event, users["member"])
    rep_b, _t = meetings.add_member(users["animator"], event, users["member_b"])
    spare, _t = meetings.add_participant(users["animator"], event, side=Side.HOLDER,
                                         name="Spare", email="spare@example.org")
    meeting_a = meetings.place_meeting(users["animator"], event, holder=holder_p,
                                       representative=rep_a, slot=0, table=1)
    meeting_b = meetings.place_meeting(users["animator"], event, holder=holder_p,
                                       representative=rep_b, slot=1, table=1)
    values.update(flash_event=event.id, flash_empty=empty.id, flash_token=flash_token,
                  flash_rep=rep_a.id, flash_spare=spare.id, flash_meeting=meeting_a.id,
                  flash_meeting_b=meeting_b.id)
    # Issue 15 (org): an organisation with a logo, an invited member, an admin's import.
    from murporteur.accounts import people
    from murporteur.accounts.imports import stage
    from murporteur.accounts.models import Role

    org_a = users["member"].organisation
    org_a.logo_png, org_a.logo_updated_at = files.png(), utcnow()
    invited = people.invite(users["admin"], "invitee@example.org", Role.MEMBER,
                            organisation=org_a)
    staged = stage(users["admin"], "organisations", "o.csv", "nom\nOrg importée\n".encode())
    values.update(organisation=org_a.id, person=invited.invitation.user_id,
                  invitation=invited.secret, staged=staged.token)
    # Issue 18 (sign): a document sent for signature to the member's organisation.
    from murporteur.conventions import signatures as signing

    to_sign = submitted_dossier()
    to_sign.state = "supported"
    sent = Convention(dossier=to_sign, organisation=users["member"].organisation,
                      kind="financing", state="draft", committed_cents=300000)
    db.session.add(sent)
    db.session.flush()
    sign_document = signing.send_for_signature([sent], users["animator"])
    values.update(sign_document=sign_document.id, signature=next(
        s.id for s in sign_document.signatures if s.signer_id == users["member"].id))
    values.update(_calls_world(users))
    # Issue 18 (fup): the holder's running convention with A, a reporting date, a payment
    # and a request for another one.
    from murporteur.conventions import followup

    fup_dossier = submitted_dossier(holder=holder)
    fup_dossier.state = "conventioned"
    fup = Convention(dossier=fup_dossier, organisation=users["member"].organisation,
                     kind="financing", state="active", committed_cents=500000)
    db.session.add(fup)
    db.session.flush()
    fup_date = followup.add_reporting_date(fup, users["animator"], utcnow().date())
    fup_payment = conventions.schedule_payment(fup, users["animator"], utcnow().date(), 100000)
    fup_asked = conventions.schedule_payment(fup, users["animator"], utcnow().date(), 200000)
    fup_request = followup.request_payment(fup_asked, holder, "Étape franchie")
    fup_reported = followup.add_reporting_date(fup, users["animator"],
                                               utcnow().date() - timedelta(days=7))
    followup.submit_report(fup_reported, holder, {}, "Premier bilan")
    fup_spare_date = followup.add_reporting_date(fup, users["animator"],
                                                 utcnow().date() + timedelta(days=30))
    fup_indicator = followup.add_indicator(fup, users["animator"], "people", 100)
    fup_spare = followup.add_indicator(fup, users["animator"], "jobs", 2)
    values.update(fup=fup.id, fup_date=fup_date.id, fup_payment=fup_payment.id,
                  fup_request=fup_request.id, fup_reported=fup_reported.id,
                  fup_spare_date=fup_spare_date.id, fup_indicator=fup_indicator.id,
                  fup_spare=fup_spare.id)
    # Issue 17 (jobs): the animator's yearly report, laid out already.
    from murporteur.jobs import services as jobs
    from murporteur.jobs.models import JobState

    job = jobs.start("yearly_report", users["animator"], {"year": 2026}, dedupe_key="matrix")
    job.state, job.progress, job.finished_at = JobState.DONE, 100, utcnow()
    job.result_storage, job.result_name = f"{job.id}-matrix.pdf", "rapport-mur-porteur-2026.pdf"
    job.result_mimetype = "application/pdf"
    jobs.result_path(job.result_storage).parent.mkdir(parents=True, exist_ok=True)
    jobs.result_path(job.result_storage).write_bytes(files.pdf())
    db.session.flush()
    values.update(job=job.id)
    return users, values


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_route(app, world, role):
    users, values = world
    client = app.test_client()
    if role != "anonymous":
        login(client, users[role], PASSWORD)
    failures = []
    for endpoint, (method, template, expected) in ROUTES.items():
        url = template.format(**values)
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()}
                               if method == "POST" else None)
        want = expected[role]
        if want == LOGIN:
            ok = response.status_code == 302 and "/connexion" in response.headers["Location"]
        else:
            ok = response.status_code == want
        if not ok:
            failures.append(f"{endpoint} {method} {url}: {response.status_code}, want {want}")
        if endpoint in ("accounts.logout", "accounts.forget_device"):
            client._csrf = None  # the session, its CSRF token with it, is forgotten
            if role != "anonymous":
                login(client, users[role], PASSWORD)
    assert failures == []


# --- Object-level checks, spelled out ---------------------------------------------------------
# The matrix above already says who reaches which object; these name the attacks one by one
# (someone else's object reached by its address, or by a guessed one) and check that nothing
# leaks through a side door (a listing, an export, the API).

def _as(app, users, role):
    client = app.test_client()
    login(client, users[role], PASSWORD)
    return client


def test_another_holders_dossier_draft_and_documents_stay_out_of_reach(app, world):
    users, values = world
    other = _as(app, users, "other_holder")
    for url in (f"/mes-dossiers/{values['dossier']}", f"/deposer/{values['draft']}",
                f"/deposer/{values['dossier']}/merci", f"/documents/{values['document']}",
                f"/mes-dossiers/{values['dossier']}/retirer"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/mes-dossiers/{values['dossier']}/messages",
                      data={"body": "Bonjour"}).status_code == 404
    # Nor does the holder's list show it.
    assert values["dossier"] not in other.get("/mes-dossiers").get_data(as_text=True)


def test_a_document_by_a_guessed_address_is_not_found(app, world):
    users, values = world
    document = values["document"]
    for role in ("holder", "animator", "admin", "member"):
        client = _as(app, users, role)
        for guess in ("1", "2", "0", "-1", document[:-1] + ("0" if document[-1] != "0" else "1"),
                      document.upper() if document.upper() != document else document + "x",
                      "../" + document, "%00"):
            assert client.get(f"/documents/{guess}").status_code == 404, (role, guess)
    # Anonymous, with the right address: still nothing.
    assert app.test_client().get(f"/documents/{document}").status_code == 404


def test_organisation_b_reaches_nothing_of_organisation_a(app, world):
    users, values = world
    member_b = _as(app, users, "member_b")
    session, item, convention = values["session"], values["item"], values["convention"]
    for url in (f"/comite/seances/{session}", f"/comite/seances/{session}/points/{item}",
                f"/comite/seances/{session}/compte-rendu.pdf", f"/conventions/{convention}"):
        assert member_b.get(url).status_code == 404, url
    # A position cannot be given for B on A's session item, nor a proxy, nor a signature.
    assert member_b.post(f"/comite/seances/{session}/points/{item}",
                         data={"stance": "supports"}).status_code == 404
    assert member_b.post(f"/comite/seances/{session}/procuration",
                         data={"proxy": users["member"].id}).status_code == 404
    assert member_b.post(f"/conventions/{convention}/etape/sign").status_code == 404
    # Nor do B's own listings and exports carry A's session or convention.
    supported = values["supported"]
    for url in ("/comite/", "/conventions/mes-conventions", "/rapports/conventions.csv",
                "/rapports/versements.csv"):
        page = member_b.get(url).get_data(as_text=True)
        assert supported not in page and f"/comite/seances/{session}" not in page, url
    # While A's member does see them (the check above is not vacuous).
    member_a = _as(app, users, "member")
    assert member_a.get(f"/conventions/{convention}").status_code == 200
    assert supported in member_a.get("/conventions/mes-conventions").get_data(as_text=True)


def test_someone_elses_api_token_cannot_be_revoked(app, world):
    from murporteur.accounts.models import ApiToken
    from murporteur.extensions import db

    users, values = world
    for role in ("animator", "member_b"):
        client = _as(app, users, role)
        assert client.post(f"/compte/api/{values['api_token']}/revoquer").status_code == 404
        assert f"/compte/api/{values['api_token']}/revoquer" not in client.get(
            "/compte/api").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApiToken, values["api_token"]).revoked_at is None


def test_a_staff_only_page_refuses_holders_and_members_even_with_a_known_number(app, world):
    users, values = world
    for role in ("holder", "other_holder", "member", "member_b", "admin"):
        client = _as(app, users, role)
        assert client.get(f"/instruction/dossiers/{values['number']}").status_code == 403
        assert client.post(f"/instruction/dossiers/{values['number']}/notes",
                           data={"body": "intrusion"}).status_code == 403


# --- CSRF on every state-changing route -----------------------------------------------------

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _session_client(app, user=None):
    client = app.test_client()
    if user is not None:  # logged in without the (slow on purpose) password check
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_state_changing_route_refuses_a_request_without_its_csrf_token(app, world, role):
    users, values = world
    client = _session_client(app, users.get(role))
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in ROUTES or rule.endpoint.startswith("api."):
            continue  # (a route missing from ROUTES fails the first test of this file)
        url = ROUTES[rule.endpoint][1].format(**values)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, data={"body": "x", "email": "a@b.fr"})
            checked += 1
            if response.status_code != 400 or "Formulaire expiré" not in response.get_data(
                    as_text=True):
                failures.append(f"{method} {rule.endpoint} {url}: {response.status_code}")
    assert failures == []
    assert checked > 50


def test_the_api_changes_nothing_and_refuses_every_state_changing_method(app, world):
    from murporteur.api.services import create_token

    users, values = world
    _token, plain = create_token(users["animator"], "csrf")
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown_route":
            # Read-only: the only routes taking other methods are the catch-all's errors.
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for endpoint, (_method, template, _expected) in ROUTES.items():
        if not endpoint.startswith("api."):
            continue
        url = template.format(**values)
        for method in sorted(STATE_CHANGING):
            for headers in ({"Authorization": f"Bearer {plain}"}, {}):
                response = client.open(url, method=method, headers=headers, json={"x": 1})
                want = 404 if endpoint == "api.unknown_route" else 405
                assert response.status_code in (want, 401), (method, url, response.status_code)
                assert response.is_json and response.get_json()["error"]["message"]
                if response.status_code == 405:
                    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def _calls_world(users) -> dict:
    """Issue 20 (calls): a draft need of organisation A's member, with a question, and a
    published call."""
    from datetime import timedelta

    from murporteur.calls import services as calls
    from murporteur.calls.models import QuestionKind

    today = utcnow().date()
    dates = {"opens_on": today - timedelta(days=1), "closes_on": today + timedelta(days=9)}
    need = calls.create_call(users["member"], [], kind="need", title="Besoin de A", **dates)
    question = calls.add_question(need, users["member"], calls.QuestionData(
        QuestionKind.SHORT_TEXT, "Votre partenaire ?", "", False, []))
    published = calls.create_call(users["animator"], [], kind="call", title="Appel", **dates)
    calls.transition(published, "publish", users["animator"])
    return {"call": need.id, "question": question.id, "open_call": published.id}
