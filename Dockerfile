# syntax=docker/dockerfile:1
# The civility platform service. Build: docker build -t civility .
# Migrations are a separate one-shot command: docker run --rm --env-file prod.env civility python -m app migrate

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
WORKDIR /srv
RUN pip install uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/srv/.venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    APP_ENV=production VAR_DIR=/srv/var
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home-dir /srv --no-create-home app
WORKDIR /srv
COPY --from=build /srv/.venv /srv/.venv
COPY app ./app
COPY kernel ./kernel
COPY accounts ./accounts
COPY console ./console
COPY h5 ./h5
COPY activities ./activities
COPY credits ./credits
COPY oversight ./oversight
COPY moralbank ./moralbank
COPY campaigns ./campaigns
COPY quiz ./quiz
COPY migrations ./migrations
COPY locale ./locale
RUN mkdir -p /srv/var && chown 10001:10001 /srv/var
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]
CMD ["python", "-m", "app", "serve", "--host", "0.0.0.0", "--port", "8000"]
