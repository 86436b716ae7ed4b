# One image for the four services and the console: `docker build --build-arg SERVICE=credit .` (docker-compose.yml builds
# all five; SERVICE=console runs the operator console, its app built into console/dist/app).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY packages/platform/package.json packages/platform/
COPY packages/testkit/package.json packages/testkit/
COPY tools/stripe-test-server/package.json tools/stripe-test-server/
COPY services/customer/package.json services/customer/
COPY services/credit/package.json services/credit/
COPY services/subscription/package.json services/subscription/
COPY services/payment/package.json services/payment/
COPY console/package.json console/
RUN npm ci --no-audit --no-fund
COPY infra infra
COPY scripts scripts
COPY packages packages
COPY services services
COPY console console
RUN npx tsx scripts/build-services.ts
RUN mkdir -p console/dist/app && npm run build -w console --if-present

# The bundles import only the services' npm dependencies: no dev tools, no optional binaries in the image.
FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/platform/package.json packages/platform/
COPY packages/testkit/package.json packages/testkit/
COPY tools/stripe-test-server/package.json tools/stripe-test-server/
COPY services/customer/package.json services/customer/
COPY services/credit/package.json services/credit/
COPY services/subscription/package.json services/subscription/
COPY services/payment/package.json services/payment/
COPY console/package.json console/
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

FROM node:20-bookworm-slim
ARG SERVICE
ARG NODE_FLAGS
ENV SERVICE=${SERVICE} NODE_FLAGS=${NODE_FLAGS} NODE_ENV=production BIND_HOST=0.0.0.0
WORKDIR /app
COPY --from=dependencies /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/console/dist/app console/dist/app
COPY schemas schemas
COPY proto proto
USER node
# NODE_FLAGS per service from docker-compose.yml: scripts/service-ports.ts serviceNodeFlags (a test compares them).
CMD ["sh", "-c", "exec node ${NODE_FLAGS} dist/services/${SERVICE}/main.mjs"]
