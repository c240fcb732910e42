# syntax=docker/dockerfile:1
# mymachi image: one image for web (`mymachi serve`), worker, scheduler and migrate.
# Runtime only: the runtime lock (requirements.lock, no test tools), the project installed as a
# wheel (not editable), and the npm packages the pages serve (no devDependencies).
# Base images are pinned to exact versions; raise them deliberately.

# --- front-end assets (htmx, htmx-ext-sse, design tokens) from package-lock.json --------------
FROM node:20.19.5-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && test -f node_modules/htmx.org/dist/htmx.min.js \
 && test -f node_modules/htmx-ext-sse/dist/sse.js \
 && test -f node_modules/@digital-go-jp/design-tokens/dist/tokens.css \
 && test -f node_modules/swagger-ui-dist/swagger-ui-bundle.js \
 && test -f node_modules/redoc/bundles/redoc.standalone.js

# --- the project as a wheel (templates/ and config/ ride inside it: pyproject force-include) --
FROM python:3.11.14-slim-bookworm AS wheel
WORKDIR /src
COPY . .
RUN pip wheel --no-deps --wheel-dir /wheels .

# --- application ------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv
WORKDIR /app

# Dependencies first (cached layer): exact versions and hashes from the runtime lock.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock && rm requirements.lock

COPY --from=wheel /wheels /wheels
RUN pip install --no-deps /wheels/*.whl && rm -rf /wheels
COPY --from=assets /src/node_modules /opt/mymachi/node_modules
RUN groupadd --system --gid 10001 mymachi \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app \
      --shell /usr/sbin/nologin mymachi \
 && chown 10001:10001 /app \
 && mkdir -p /var/lib/mymachi && chown 10001:10001 /var/lib/mymachi

# Files every process must share (fitted scorer models): compose mounts one named volume
# here in web, worker and scheduler. A new volume takes this folder's owner, so the app can
# write to it. The npm assets live outside the package, so their place is given here.
ENV MYMACHI_DATA_DIR=/var/lib/mymachi \
    MYMACHI_ASSETS_DIR=/opt/mymachi/node_modules

# Code stays root-owned (read-only for the app); /app is writable so that the embedded
# SQLite default (a file in the current folder) works for `docker run ... mymachi demo`.
USER 10001:10001
EXPOSE 8000
# The web command's health; compose gives worker and scheduler their own checks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
CMD ["mymachi", "serve", "--host", "0.0.0.0", "--port", "8000"]
