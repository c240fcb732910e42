# syntax=docker/dockerfile:1
# mymachi image: one image for web (`mymachi serve`), worker, scheduler and migrate.

# --- front-end assets (htmx, htmx-ext-sse) from package-lock.json ------------------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund \
 && test -f node_modules/htmx.org/dist/htmx.min.js \
 && test -f node_modules/htmx-ext-sse/dist/sse.js

# --- application ------------------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv
WORKDIR /app

# Dependencies first (cached layer): exact versions and hashes from the lock.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The project itself, editable at /app so templates/, config/ and node_modules/ sit beside
# the packages exactly as in a checkout.
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN pip install --no-deps -e . \
 && groupadd --system --gid 10001 mymachi \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app \
      --shell /usr/sbin/nologin mymachi \
 && chown 10001:10001 /app \
 && mkdir -p /var/lib/mymachi && chown 10001:10001 /var/lib/mymachi

# Files every process must share (fitted scorer models): compose mounts one named volume
# here in web, worker and scheduler. A new volume takes this folder's owner, so the app can
# write to it.
ENV MYMACHI_DATA_DIR=/var/lib/mymachi

# Code stays root-owned (read-only for the app); /app itself is writable so that the
# embedded SQLite default (a file in the current folder) works for `docker run ... mymachi demo`.
USER 10001:10001
EXPOSE 8000
CMD ["mymachi", "serve", "--host", "0.0.0.0", "--port", "8000"]
