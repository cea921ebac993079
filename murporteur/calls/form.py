"""A call's extra questions in the idea form (``/deposer?appel=<id>``): the extension the
submissions layer draws, checks and saves with the draft (``submissions.extensions``)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from murporteur.calls import answers, services
from murporteur.calls.models import Call, QuestionKind
from murporteur.core import params
from murporteur.core.errors import DomainError
from murporteur.submissions import extensions, uploads
from murporteur.submissions.models import DocumentKind, Dossier

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

    def section(self, value, *, dossier, posted):
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
            {"call": call, "questions": questions, "typed": typed, "saved": saved,
             "locale": str(get_locale() or "fr"), "refusal": services.refusal_for_answers(call),
             "detach": bool(posted is not None and posted.get(DETACH))})

    def check(self, value, posted, files, *, dossier, submitting):
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
                upload = _upload(files, name)
                if upload is not None:
                    head = upload.stream.read(8192)
                    upload.stream.seek(0)
                    if not head or uploads.sniff(head) is None:
                        problems[name] = str(_l(
                            "Ce fichier n'est pas d'un type accepté (%(types)s).",
                            types=uploads.ACCEPTED_LABEL))
                elif submitting and question.required and (
                        saved.get(question.key) is None
                        or saved[question.key].document is None):
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

    def save(self, value, dossier, posted, files, *, submitting):
        call = _call(value)
        assert call is not None  # checked just before
        if services.refusal_for_answers(call) and posted.get(DETACH):
            services.detach(dossier)
            return
        values, documents = {}, {}
        for question in call.current_questions:
            if question.kind == QuestionKind.FILE:
                upload = _upload(files, question.field_name)
                if upload is not None:
                    try:
                        documents[question.id] = uploads.store(
                            upload, dossier_id=dossier.id, kind=DocumentKind.HOLDER,
                            uploaded_by_id=dossier.holder_id)
                    except uploads.UploadRefused as exc:
                        raise DomainError(exc.message, field=question.field_name) from exc
                continue
            values[question.id] = answers.parse(question,
                                                answers.posted_value(question, posted))
        services.save_response(call, dossier, values, documents)


def _typed(answer, question) -> object:
    """A saved answer as the form shows it again."""
    if answer is None or answer.question_id != question.id or answer.value is None:
        return [] if question.kind == QuestionKind.MULTIPLE else ""
    value = answer.value
    if question.kind == QuestionKind.NUMBER:
        return str(value).replace(".", ",")
    return value


extensions.register(CallQuestions())
