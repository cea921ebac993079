"""The animators' workspace: the inbox of dossiers and the dossier as they see it."""
