# syntax=docker/dockerfile:1.7
# KADO Federation: one image, two roles.
#   web (default):  gunicorn on :8000
#   worker:         docker build --target worker …   (or override the command:
#                   celery -A kado_platform.celery_app worker --loglevel INFO)
# Build: docker build --build-arg KADO_RELEASE=$(git rev-parse --short HEAD) -t kado .

ARG PYTHON_VERSION=3.12
ARG NODE_VERSION=22

# --- 1. Static assets: the npm build of frontend/ (when frontend/package.json exists) ---
FROM node:${NODE_VERSION}-bookworm-slim AS assets
WORKDIR /app/frontend
COPY frontend/ ./
RUN --mount=type=cache,target=/root/.npm \
    if [ -f package.json ]; then \
        npm ci --no-audit --no-fund && npm run build; \
    else \
        echo "frontend/package.json not found: no npm build"; \
    fi \
    && mkdir -p kado_web/static/kado_web/dist

# --- 2. Python dependencies and the project, in a virtualenv ---------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
# The project is installed in place (editable), so that the settings find locale/ and
# staticfiles/ next to the code, as in a checkout.
COPY pyproject.toml README.md ./
COPY platform/ platform/
COPY tenants/ tenants/
COPY graphql/ graphql/
COPY frontend/kado_web/ frontend/kado_web/
COPY locale/ locale/
COPY --from=assets /app/frontend/kado_web/static/kado_web/dist/ frontend/kado_web/static/kado_web/dist/
RUN pip install -e . \
    && python -m compileall -q platform tenants graphql frontend

# --- 3. Runtime: non-root, read-only friendly --------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ARG KADO_RELEASE=unknown
ENV PYTHONSAFEPATH=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=kado_platform.settings \
    KADO_STATIC_ROOT=/app/staticfiles \
    KADO_RELEASE=${KADO_RELEASE} \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 kado \
    && useradd --system --uid 10001 --gid kado --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin kado
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# Static files are collected into the image: the container's root file system can then be
# read-only (ECS mounts a writable /tmp). No secret or database is used here.
RUN SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgresql://collectstatic@127.0.0.1:1/none \
    kado collectstatic --noinput --verbosity 0
USER kado:kado
EXPOSE 8000

FROM runtime AS worker
CMD ["celery", "-A", "kado_platform.celery_app", "worker", "--loglevel", "INFO"]

FROM runtime AS web
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
CMD ["gunicorn", "kado_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--worker-tmp-dir", "/tmp", "--timeout", "60", "--graceful-timeout", "30"]
