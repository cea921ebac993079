"""A background job through Redis and a real Celery worker in its own process, as in
production: the request answers before the work is done, the page follows, the file comes."""

import re

import pytest

from murporteur.extensions import db
from murporteur.jobs.models import BackgroundJob, JobState
from tests.conftest import login
from tests.factories import AnimatorFactory
from tests.helpers import text
from tests.notifications.live import RedisServer, SmtpSink, live_stack, require_servers, wait_for


@pytest.mark.worker
def test_a_worker_lays_out_the_yearly_report_while_the_page_follows(tmp_path):
    require_servers()
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    smtp = SmtpSink()
    smtp.controller.start()
    try:
        with live_stack(tmp_path, "murporteur_jobs_worker", redis_server, smtp) as stack:
            client = stack.app.test_client()
            with stack.app.app_context():
                animator = AnimatorFactory()
                db.session.commit()
                login(client, animator)
            # No worker yet: the request answers at once, the job waits in Redis.
            response = client.post("/rapports/rapport-2024")
            assert response.status_code == 303
            job_url = response.headers["Location"]
            job_id = int(re.fullmatch(r"/taches/(\d+)", job_url).group(1))

            def state():
                with stack.app.app_context():
                    db.session.remove()
                    return db.session.get_one(BackgroundJob, job_id).state

            assert state() == JobState.QUEUED
            page = client.get(job_url).get_data(as_text=True)
            assert '<progress max="100" value="0"' in page
            worker = stack.start("worker")
            wait_for(lambda: state() == JobState.DONE, 90, "the worker to lay out the report",
                     [worker])
            assert "Le rapport annuel 2024 est prêt." in text(client.get(job_url))
            pdf = client.get(f"{job_url}/fichier")
            assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
            assert "murporteur.jobs.run" in worker.output()
    finally:
        smtp.controller.stop()
        redis_server.stop()
