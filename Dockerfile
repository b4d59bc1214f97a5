# syntax=docker/dockerfile:1
# hiqty's image: build with `make image`. Node 24 on Debian slim, ffmpeg (with libopus) from Debian,
# production dependencies only, a non-root user, and tini as PID 1 so SIGTERM reaches node and starts the drain.

ARG NODE_IMAGE=node:24-bookworm-slim

# TypeScript to JavaScript, with the dev dependencies that only the build needs.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY controllers ./controllers
COPY app ./app
# bench (compiled by tsconfig.build.json) reuses test helpers; neither reaches the final image.
COPY bench ./bench
COPY test ./test
RUN npx tsc -p tsconfig.build.json
# The dashboard's page and assets (dist/dashboard), bundled: the image needs no CDN.
COPY web ./web
RUN node web/build.mjs

# Production dependencies alone. ffmpeg-static (optional) is left out: the image uses Debian's ffmpeg.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM ${NODE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 hiqty \
 && useradd --system --uid 10001 --gid hiqty --home-dir /var/lib/hiqty --no-create-home hiqty \
 && mkdir -p /var/lib/hiqty && chown hiqty:hiqty /var/lib/hiqty
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
# NODE_OPTIONS: app/node-options.ts says why (a small young generation for the main thread); `env` in the chart overrides it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    HIQTY_DATA_DIR=/var/lib/hiqty \
    HIQTY_HTTP_PORT=8080
USER 10001:10001
EXPOSE 8080
# tini forwards SIGTERM to node (which drains) and reaps any orphaned child; exec form, so no shell in between.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/app/bin/hiqty.js"]
CMD ["run"]
