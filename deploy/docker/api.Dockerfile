# syntax=docker/dockerfile:1.7
# The API, Celery worker and beat image (one image, three commands): build from the repository root,
#   docker build -f deploy/docker/api.Dockerfile -t learn-api .
# Entry point is the same `learn` CLI that CI tests: `serve`, `worker -Q <queue>`, `beat`, `migrate`.

FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first (cached while only the code changes), then the package itself.
COPY pyproject.toml README.md ./
RUN --mount=type=cache,target=/root/.cache/pip \
    python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY learn ./learn
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --no-deps . && python -m compileall -q /opt/venv/lib

FROM python:3.11.14-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 learn \
    && useradd --system --uid 10001 --gid learn --home-dir /var/lib/learn --shell /usr/sbin/nologin learn \
    && mkdir -p /var/lib/learn /tmp/prometheus \
    && chown learn:learn /var/lib/learn /tmp/prometheus
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LEARN_VAR_DIR=/var/lib/learn \
    LEARN_CACHE_DIR=/var/lib/learn/cache \
    LOG_FORMAT=json \
    LEARN_PORT=8063
USER 10001:10001
WORKDIR /var/lib/learn
EXPOSE 8063
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8063/health/liveness/', timeout=4)"]
ENTRYPOINT ["learn"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8063", "--workers", "2"]
