# The one image of every process (web, worker, beat, migrate): the command differs, not the code.
FROM python:3.11-slim-bookworm

# Pango for WeasyPrint (the committee's minutes and the yearly report in PDF).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MURPORTEUR_ENV=production \
    INSTANCE_PATH=/app/instance

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY murporteur ./murporteur
COPY worker ./worker
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY translations ./translations
COPY gunicorn.conf.py ./
RUN pip install --no-cache-dir . \
    && pybabel compile -d translations \
    && useradd --create-home --uid 10001 murporteur \
    && mkdir -p /app/instance /data/uploads /tmp/prometheus \
    && chown -R murporteur /app/instance /data/uploads /tmp/prometheus

USER murporteur
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "murporteur:create_app()"]
