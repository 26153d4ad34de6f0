# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev toolchain.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped here because `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY handlers ./handlers
RUN npm run build

# Production dependencies (pg among them), with better-sqlite3's native module built for this Node version.
FROM node:22-bookworm-slim AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm rebuild better-sqlite3 && npm cache clean --force

# Runtime: compiled code and production dependencies only; no compilers, sources or secrets.
FROM node:22-bookworm-slim AS runtime
# The digest trend chart draws its labels with DejaVu Sans; the slim image has no fonts at all.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
# The store: the SQLite file at CLOUDSEC_DB (one container), or PostgreSQL when CLOUDSEC_DATABASE_URL
# is set (replicas; see docker-compose.yml), which then takes precedence. `pg` is pure JavaScript, so
# the same production dependencies serve both.
ENV NODE_ENV=production \
    PORT=3000 \
    CLOUDSEC_DB=/var/lib/cloudsec/cloudsec.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY data/demo-account.json data/demo-cloudsec.yml ./data/
# The official image ships an unprivileged `node` user (uid 1000); the database lives on a volume it owns.
RUN mkdir -p /var/lib/cloudsec && chown node:node /var/lib/cloudsec
VOLUME ["/var/lib/cloudsec"]
USER node
EXPOSE 3000
# Slack tokens and AWS credentials come from the environment at run time; none are baked in.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A 4 MB young generation (V8's default grows to 16 MB per semi-space while ~1,300 modules load and
# keeps it): the idle bot holds ~30 MB less; a scan measured +2 % CPU per call, within noise (npm run bench:idle,
# bench:scan:org). A 512 MB old generation: V8 otherwise sizes it from the machine (4 GB on 24 GB) and,
# far from that limit, lets garbage grow to several times the live heap before collecting; a scan's
# live heap is ~85–120 MB, and with the cap (and the limit on AWS calls in flight) a 500-account scan
# peaked at 299 MB RSS instead of 891 MB (README, "Scanning large organizations"). In a container limited to less than ~1 GB, override the command with
# about half the limit. `npm start` uses the same flags; bench/idle.ts checks that they match.
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=512", "dist/src/main.js"]
