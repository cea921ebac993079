"""The example context of every notification in the catalogue, by its key: what the admins'
previews show, and what the test that renders each notification in French and in English
fills its templates with. The people, projects and places are invented."""

from __future__ import annotations

_SITE = "https://murporteur.example"
_DOSSIER = {
    "number": "MP-2026-0042", "title": "Café solidaire au pied des immeubles",
    "structure_name": "Le Comptoir des Voisins", "contact_name": "Amina Diallo",
    "town": "Vaulx-en-Velin", "comment": "", "state_label": "En cours d'étude",
}
_TRACKING = f"{_SITE}/lien/exemple-de-lien-personnel"
_STAFF_URL = f"{_SITE}/instruction/dossiers/MP-2026-0042"
_SESSION = {
    "quarter": "2026-T4", "date": "10 décembre 2026 à 14:00", "day": "10 décembre 2026",
    "start": "14:00", "end": "16:20", "video_link": "",
    "place": "Maison de l'économie sociale et solidaire, Lyon 7e",
}
_AGENDA = [
    {"start": "14:00", "end": "14:20", "number": "MP-2026-0042",
     "title": "Café solidaire au pied des immeubles", "structure_name": "Le Comptoir des Voisins"},
    {"start": "14:20", "end": "14:40", "number": "MP-2026-0043",
     "title": "Atelier vélo et vélo-école", "structure_name": "Roue Libre Solidaire"},
]
_CONVENTION = {
    **_DOSSIER, "organisation": "Lyon Métropole Habitat", "kind": "Mise à disposition d'un local",
    "committed": "12 000,00 €", "paid": "4 000,00 €", "remaining": "8 000,00 €",
    "url": f"{_SITE}/conventions/7", "full_name": "Claire Fontaine",
}
_FLASH = {
    "event": "Rencontres flash bailleurs × ESS", "name": "Amina Diallo",
    "place": "Maison de l'économie sociale et solidaire, Lyon 7e", "day": "12 mars 2027",
    "start": "09:30", "end": "12:00", "slot_minutes": 15,
}
_FLASH_AGENDA = [
    {"start": "09:30", "end": "09:45", "table": 3,
     "with": "Claire Fontaine (Lyon Métropole Habitat)"},
    {"start": "10:00", "end": "10:15", "table": 5, "with": "Marc Petit (Alliade Habitat)"},
]
_REPORT = {"number": "MP-2026-0042", "title": "Café solidaire au pied des immeubles",
           "organisation": "Lyon Métropole Habitat", "due_date": "30 juin 2027",
           "committed": "12 000,00 €", "full_name": "Amina Diallo",
           "url": f"{_SITE}/conventions/7/bilans/3"}

EXAMPLES: dict[str, dict] = {
    # The holder's journey.
    "draft_resume_link":
        {"contact_name": "Amina Diallo", "title": "Café solidaire au pied des immeubles",
         "resume_url": f"{_SITE}/lien/exemple-de-lien-personnel"},
    "login_link": {"full_name": "Amina Diallo", "login_url": _TRACKING},
    "dossier_receipt":
        {**_DOSSIER, "state_label": "Envoyé, en attente d'un premier appel",
         "tracking_url": _TRACKING},
    "dossier_state_changed":
        {**_DOSSIER, "tracking_url": _TRACKING,
         "comment": "Pouvez-vous nous envoyer votre budget prévisionnel ?"},
    "answer_reminder":
        {**_DOSSIER, "tracking_url": _TRACKING, "asked_on": "17 novembre 2026",
         "question": "Pouvez-vous nous envoyer votre budget prévisionnel ?"},
    "dossier_redirected":
        {**_DOSSIER, "state_label": "Orienté vers une autre structure", "tracking_url": _TRACKING,
         "comment": "Votre projet relève plutôt d'un accompagnement à la création d'activité.",
         "structure": {"name": "Entreprendre au Féminin Lyon", "territory": "Métropole de Lyon",
                       "contact_name": "Fatou Sarr",
                       "contact_email": "contact@entreprendre-feminin.example",
                       "contact_phone": "04 78 42 42 42",
                       "website": "https://www.entreprendre-feminin.example",
                       "description": "Ateliers collectifs, mentorat, réseau."}},
    "dossier_withdrawn_receipt":
        {**_DOSSIER, "state_label": "Retiré par le porteur",
         "comment": "Nous avons trouvé un local par un autre moyen."},
    "message_for_holder":
        {**_DOSSIER, "author": "Claire Fontaine", "tracking_url": _TRACKING,
         "body": "Pouvez-vous nous dire quelle surface il vous faut ?"},
    # The animators' workspace.
    "dossier_new_for_staff": {**_DOSSIER, "url": _STAFF_URL},
    "dossier_withdrawn_for_staff":
        {**_DOSSIER, "state_label": "Retiré par le porteur", "url": _STAFF_URL,
         "comment": "Nous avons trouvé un local par un autre moyen."},
    "message_for_staff":
        {**_DOSSIER, "author": "Amina Diallo", "url": _STAFF_URL,
         "body": "Merci pour votre appel, voici les horaires d'ouverture envisagés."},
    "info_answered_for_staff":
        {**_DOSSIER, "url": _STAFF_URL,
         "comment": "Voici notre budget prévisionnel : 18 000 € la première année."},
    "call_reminder": {**_DOSSIER, "time": "10:30", "phone": "06 12 34 56 78", "url": _STAFF_URL},
    # The committee.
    "committee_invitation":
        {**_SESSION, "full_name": "Claire Fontaine", "agenda": _AGENDA,
         "url": f"{_SITE}/comite/seances/3"},
    "committee_holder_slot":
        {**_SESSION, **_DOSSIER, "slot_start": "14:00", "slot_end": "14:20", "slot_minutes": 20,
         "changed": False},
    "committee_schedule_changed":
        {**_SESSION, "full_name": "Claire Fontaine", "agenda": _AGENDA,
         "url": f"{_SITE}/comite/seances/3"},
    "committee_item_removed": {**_SESSION, **_DOSSIER},
    "committee_position_reminder":
        {**_SESSION, "full_name": "Claire Fontaine", "organisation": "Grand Lyon Habitat",
         "items": _AGENDA, "url": f"{_SITE}/comite/seances/3"},
    "committee_missing_positions":
        {**_SESSION, "url": f"{_SITE}/instruction/comites/3/grille",
         "organisations": [{"name": "Grand Lyon Habitat", "dossiers": _AGENDA}]},
    "committee_decision":
        {**_DOSSIER, "quarter": "2026-T4", "decision": "supported", "tracking_url": _TRACKING,
         "supporters": ["Lyon Métropole Habitat", "Grand Lyon Habitat"]},
    "committee_minutes":
        {**_SESSION, "full_name": "Claire Fontaine",
         "url": f"{_SITE}/comite/seances/3/compte-rendu.pdf"},
    # Conventions.
    "convention_to_sign": {**_CONVENTION, "comment": ""},
    # Issue 18 (sign): signing a convention in the application.
    "convention_signature_requested":
        {**_CONVENTION, "document": "Convention de financement",
         "url": f"{_SITE}/conventions/signatures/7"},
    "convention_signature_delegated":
        {**_CONVENTION, "document": "Convention de financement",
         "delegated_by": "Claire Fontaine", "url": f"{_SITE}/conventions/signatures/7"},
    "convention_signature_delegation_withdrawn":
        {**_CONVENTION, "document": "Convention de financement",
         "delegated_by": "Claire Fontaine", "url": f"{_SITE}/conventions/signatures/7"},
    "convention_signature_code":
        {**_CONVENTION, "document": "Convention de financement", "code": "482913",
         "minutes": 15, "url": f"{_SITE}/conventions/signatures/7"},
    "convention_signature_cancelled":
        {**_CONVENTION, "document": "Convention de financement",
         "reason": "La convention a été modifiée après son envoi.",
         "url": f"{_SITE}/conventions/signatures/7"},
    "convention_signed_for_staff": {**_CONVENTION, "comment": ""},
    "convention_terminated_for_staff":
        {**_CONVENTION, "comment": "Le projet s'arrête faute de bénévoles."},
    "convention_payment_due":
        {**_CONVENTION, "amount": "4 000,00 €", "planned_date": "1 décembre 2026"},
    "convention_payment_overdue":
        {**_CONVENTION, "amount": "4 000,00 €", "planned_date": "1 novembre 2026",
         "days_late": 3},
    "convention_ending": {**_CONVENTION, "end_date": "31 décembre 2026", "unpaid_count": 1},
    # Calls and needs (calls/notifications.py, calls/tasks.py).
    "call_new_answer":
        {"call_title": "Occupation temporaire d'un rez-de-chaussée", "number": "MP-2026-0042",
         "title": "Café solidaire au pied des immeubles",
         "structure_name": "Le Comptoir des Voisins", "url": f"{_SITE}/appels/3"},
    "call_approval_asked":
        {"call_title": "Entretien des espaces verts", "organisation": "Lyon Métropole Habitat",
         "url": f"{_SITE}/appels/4"},
    "call_closing_reminder":
        {"contact_name": "Amina Diallo", "title": "Café solidaire au pied des immeubles",
         "call_title": "Occupation temporaire d'un rez-de-chaussée",
         "closes_on": "15 décembre 2026", "resume_url": _TRACKING},
    "convention_report_due": {**_REPORT, "days_late": 0},
    "convention_report_overdue": {**_REPORT, "days_late": 1},
    "convention_payment_requested":
        {**_CONVENTION, "amount": "4 000,00 €",
         "planned_date": "1 décembre 2026",
         "text": "Le local est ouvert depuis le 2 novembre."},
    "convention_payment_decided":
        {**_REPORT, "amount": "4 000,00 €", "planned_date": "1 décembre 2026",
         "approved": False, "reason": "Il manque la facture des travaux."},
    # Accounts and privacy (their texts belong to the accounts and privacy work).
    "password_reset":
        {"full_name": "Claire Fontaine", "reset_url": f"{_SITE}/mot-de-passe/exemple",
         "hours": 2},
    "draft_expiry_warning":
        {"contact_name": "Amina Diallo", "title": "Café solidaire au pied des immeubles",
         "resume_url": f"{_SITE}/lien/exemple-de-lien-personnel",
         "delete_on": "8 décembre 2026"},
    "document_infected":
        {"contact_name": "Amina Diallo", "file_name": "budget-previsionnel.pdf",
         "title": "Café solidaire au pied des immeubles", "reference": "MP-2026-0042",
         "url": f"{_SITE}/mes-dossiers/exemple"},
    # The collective's people (issue 15).
    "invitation":
        {"full_name": "Claire Fontaine", "email": "claire.fontaine@example.org",
         "invitation_url": f"{_SITE}/invitation/exemple", "days": 7,
         "inviter": "Paul Martin"},
    "invitation_renewal_asked":
        {"person": "Claire Fontaine", "email": "claire.fontaine@example.org",
         "url": f"{_SITE}/admin/personnes/12"},
    # Slow work done in the background (issue 17): the bell tells whoever asked for it.
    "committee_minutes_ready": {"quarter": "2026-Q4", "url": f"{_SITE}/taches/12"},
    "committee_convocations_sent": {"quarter": "2026-Q4", "url": f"{_SITE}/taches/13"},
    "yearly_report_ready": {"year": 2026, "url": f"{_SITE}/taches/14"},
    "flash_tables_ready": {"event": _FLASH["event"], "url": f"{_SITE}/taches/15"},
    # The digest gathers what its recipient held back.
    "digest":
        {"items": [
            {"key": "dossier_new_for_staff", "context": {**_DOSSIER, "url": _STAFF_URL}},
            {"key": "message_for_staff", "context": {
                **_DOSSIER, "author": "Amina Diallo", "url": _STAFF_URL, "body": "Merci !"}},
        ]},
    "committee_crossed_digest":
        {"full_name": "Claire Fontaine", "quarter": "2027-Q1", "items": [
            {**{k: _DOSSIER[k] for k in ("number", "title", "structure_name")},
             "supporter": "Alliade Habitat", "url": f"{_SITE}/comite/seances/3/points/12"}]},
    # Flash meetings (murporteur/meetings): sent to the address the participant gave.
    "flash_invitation": {**_FLASH, "url": f"{_SITE}/rencontres/p/exemple-de-lien"},
    "flash_agenda":
        {**_FLASH, "agenda": _FLASH_AGENDA, "url": f"{_SITE}/rencontres/p/exemple-de-lien"},
    "flash_agenda_changed":
        {**_FLASH, "agenda": _FLASH_AGENDA,
         "url": f"{_SITE}/rencontres/p/exemple-de-lien"},
    "flash_event_cancelled":
        {**_FLASH, "comment": "La salle n'est plus disponible ; une nouvelle date suivra."},
}
