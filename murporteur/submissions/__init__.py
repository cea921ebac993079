"""The holder's side: the idea form, drafts, submission, the dossier and its documents."""
