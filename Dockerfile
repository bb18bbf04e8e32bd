# syntax=docker/dockerfile:1
# The portal's image: gunicorn serving wsgi:app as an unprivileged user. `docker compose up` builds it
# (compose.yaml); the same image runs the web servers, the job worker and the one-shot migrate step.
#
# Everything is installed by scripts/install.sh --runtime, the script CI runs on a bare machine: the
# locked Python packages (requirements.lock, with hashes) into .venv, the locked npm packages
# (package-lock.json: htmx, the Be Vietnam Pro web fonts and the TrueType fonts of the PDFs) copied
# into static/vendor, and the compiled translations. Node.js is needed for that only, in the build stage.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 npm_config_update_notifier=false
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN scripts/install.sh --runtime \
 && rm -rf node_modules \
 && .venv/bin/python -m compileall -q portal wsgi.py gunicorn.conf.py

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    PATH=/app/.venv/bin:$PATH \
    PORTAL_ENV=production \
    GUNICORN_BIND=0.0.0.0:8000
# `flask backup` and `restore` need pg_dump, pg_restore and psql of the server's major version (15 in compose.yaml;
# Debian bookworm's postgresql-client is 15).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*
# The app's user owns nothing of the code: only instance/ and the state folder (generated keys) are writable.
RUN groupadd --system --gid 10001 donghanh \
 && useradd --system --uid 10001 --gid donghanh --home-dir /app --no-create-home --shell /usr/sbin/nologin donghanh \
 && mkdir -p /var/lib/donghanh /srv/static \
 && chown donghanh:donghanh /var/lib/donghanh /srv/static
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/instance && chown donghanh:donghanh /app/instance
USER donghanh:donghanh
EXPOSE 8000
# /healthz checks the database too; a container that cannot reach it is taken out of the rotation.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# Values the first run generated (the secret key, the signing key's path) fill what the environment leaves unset.
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
