# The Smart Butler add-on image. The Supervisor builds it on the device from this file (no build.yaml: it is
# retired upstream); BUILD_FROM defaults to the amd64 base and the Supervisor passes the right one per arch.
ARG BUILD_FROM=ghcr.io/home-assistant/amd64-base:3.21

# ---- build: compilers for better-sqlite3, dev dependencies, TypeScript -------------------------------------
FROM $BUILD_FROM AS build
# Alpine 3.21 ships Node 22. nodejs-dev gives node-gyp the headers, so nothing is fetched from nodejs.org;
# build_from_source stops prebuild-install from fetching binaries from GitHub: only the npm registry is used.
RUN apk add --no-cache nodejs nodejs-dev npm python3 make g++
ENV npm_config_nodedir=/usr \
    npm_config_build_from_source=true \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json vite.config.mjs ./
COPY scripts ./scripts
COPY src ./src
COPY nodes ./nodes
RUN npm run build
# Production dependencies in their own folder, compiled here where the compilers are.
RUN mkdir -p /prod \
    && cp package.json package-lock.json /prod/ \
    && cd /prod \
    && npm ci --omit=dev \
    && npm cache clean --force

# ---- runtime: Node and the built butler, no compilers -------------------------------------------------------
FROM $BUILD_FROM
ARG BUILD_ARCH=amd64
ARG BUILD_VERSION=0.1.0
RUN apk add --no-cache nodejs
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY flows ./flows
COPY bin ./bin
COPY addon/run.sh /addon/run.sh

LABEL \
    io.hass.name="Smart Butler" \
    io.hass.description="An AI butler for Home Assistant: flows, a Claude planner, offline understanding, one policy-gated door for every action." \
    io.hass.type="addon" \
    io.hass.version="${BUILD_VERSION}" \
    io.hass.arch="${BUILD_ARCH}" \
    org.opencontainers.image.title="Smart Butler" \
    org.opencontainers.image.licenses="MIT"

# 8099: ingress (panel, API, flow editor); 10700: Wyoming for Assist.
EXPOSE 8099 10700
# addon/run.sh execs Node with the flags `npm start` uses (a small young generation keeps idle memory down, about
# 20 MB, at little cost for a service of this size); the butler reads /data/options.json itself.
CMD ["/addon/run.sh"]
