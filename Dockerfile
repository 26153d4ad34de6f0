# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev toolchain.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped here because `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, compiled code, no sources, no secrets.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY data/demo-account.json ./data/demo-account.json
# The official image ships an unprivileged `node` user (uid 1000).
USER node
# Credentials come from the environment at run time (task role, IRSA, AWS_* variables); none are baked in.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD ["node", "bin/cloudsec.js", "checks", "--format", "json"]
ENTRYPOINT ["node", "bin/cloudsec.js"]
CMD ["check", "all", "--demo"]
