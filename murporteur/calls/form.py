"""A call's extra questions in the idea form (``/deposer?appel=<id>``): the extension the
submissions layer draws, checks and saves with the draft (``submissions.extensions``).

A file question's file is kept as soon as it is sent, staged as the form's own files
(``submissions.staging``), so that a refusal of another answer does not lose it: the question
then says "Fichier déjà joint", the file satisfies a required question, and it is attached to
the answer when the form is saved."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from murporteur.calls import answers, services
from murporteur.calls.models import Call, QuestionKind
from murporteur.core import params
from murporteur.submissions import extensions, staging, uploads
from murporteur.submissions.models import Document, Dossier

#: Ticked on a draft whose call no longer takes answers: send it as an idea of its own.
DETACH = "appel_detacher"


def _call(value: str) -> Call | None:
    return services.find_call(params.identifier(value))


def _upload(files: MultiDict, name: str):
    upload = files.get(name)
    return upload if upload is not None and upload.filename else None


class CallQuestions(extensions.IdeaFormExtension):
    param = "appel"

    def value_for(self, dossier: Dossier) -> str | None:
        response = services.response_of(dossier) if dossier.id else None
        return str(response.call_id) if response is not None else None

    def section(self, value, *, dossier, posted, staging_key):
        call = _call(value)
        if call is None or (services.refusal_for_answers(call) and dossier is None):
            return None
        saved = services.answers_by_key(services.response_of(dossier)) if dossier else {}
        questions = call.current_questions
        if posted is not None:
            typed = {q.key: answers.posted_value(q, posted) for q in questions}
        else:
            typed = {q.key: _typed(saved.get(q.key), q) for q in questions}
        return extensions.Section(
            "calls/_idea_questions.html", "section-call",
            str(_l("Questions de l'appel")),
            {"call": call, "questions": questions, "typed": typed,
             "files": {q.key: _file_of(q, saved, staging_key) for q in questions
                       if q.kind == QuestionKind.FILE},
             "locale": str(get_locale() or "fr"), "refusal": services.refusal_for_answers(call),
             "detach": bool(posted is not None and posted.get(DETACH))})

    def keep_files(self, value, files, *, dossier, staging_key, uploaded_by_id):
        call = _call(value)
        if call is None or services.refusal_for_answers(call):
            return {}
        refused: dict[str, str] = {}
        for question in call.current_questions:
            upload = _upload(files, question.field_name)
            if question.kind != QuestionKind.FILE or upload is None:
                continue
            try:
                staging.stage_field_file(upload, staging_key, question.field_name,
                                         uploaded_by_id=uploaded_by_id)
            except uploads.UploadRefused as exc:
                refused[question.field_name] = str(exc.message)
        return refused

    def documents(self, value, dossier):
        response = services.response_of(dossier) if dossier.id else None
        return [a.document for a in (response.answers if response else [])
                if a.document is not None]

    def check(self, value, posted, files, *, dossier, submitting, staging_key):
        call = _call(value)
        refusal = services.refusal_for_answers(call)
        if refusal and dossier is not None and posted.get(DETACH):
            return {}  # the draft goes on as an idea of its own
        if refusal:
            return {"appel": refusal}
        assert call is not None
        saved = services.answers_by_key(services.response_of(dossier)) if dossier else {}
        problems: dict[str, str] = {}
        for question in call.current_questions:
            name = question.field_name
            if question.kind == QuestionKind.FILE:
                # The file sent now was kept (or refused) by ``keep_files``.
                if submitting and question.required and \
                        _file_of(question, saved, staging_key) is None:
                    problems[name] = str(answers.REQUIRED)
                continue
            try:
                parsed = answers.parse(question, answers.posted_value(question, posted))
            except answers.Refused as exc:
                problems[name] = exc.message
                continue
            if submitting and question.required and parsed is None:
                problems[name] = str(answers.REQUIRED)
        return problems

    def save(self, value, dossier, posted, files, *, submitting, staging_key):
        call = _call(value)
        assert call is not None  # checked just before
        if services.refusal_for_answers(call) and posted.get(DETACH):
            services.detach(dossier)
            return
        values, documents = {}, {}
        for question in call.current_questions:
            if question.kind == QuestionKind.FILE:
                document = staging.attach_field_file(dossier, staging_key,
                                                     question.field_name)
                if document is not None:
                    documents[question.id] = document
                continue
            values[question.id] = answers.parse(question,
                                                answers.posted_value(question, posted))
        services.save_response(call, dossier, values, documents)


def _file_of(question, saved: dict, staging_key: str) -> Document | None:
    """The file answering ``question``: the one sent since the form was last saved, else
    the one the draft holds."""
    staged = staging.staged_field_file(staging_key, question.field_name)
    if staged is not None:
        return staged
    answer = saved.get(question.key)
    if answer is None or answer.question_id != question.id or answer.document is None \
            or answer.document.removed:
        return None  # none, or one given to an earlier version of the question
    return answer.document


def _typed(answer, question) -> object:
    """A saved answer as the form shows it again."""
    if answer is None or answer.question_id != question.id or answer.value is None:
        return [] if question.kind == QuestionKind.MULTIPLE else ""
    value = answer.value
    if question.kind == QuestionKind.NUMBER:
        return str(value).replace(".", ",")
    return value


extensions.register(CallQuestions())
