# One image for the four services: `docker build --build-arg SERVICE=credit .` (docker-compose.yml builds all four).
FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/platform/package.json packages/platform/
COPY services/customer/package.json services/customer/
COPY services/credit/package.json services/credit/
COPY services/subscription/package.json services/subscription/
COPY services/payment/package.json services/payment/
RUN npm ci --omit=optional --no-audit --no-fund

FROM node:20-bookworm-slim
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=production BIND_HOST=0.0.0.0
WORKDIR /app
COPY --from=dependencies /app/node_modules node_modules
COPY package.json tsconfig.json ./
COPY packages packages
COPY services services
COPY schemas schemas
COPY proto proto
USER node
# The same node arguments as scripts/service-ports.ts serviceNodeArgs (a test compares them).
CMD ["sh", "-c", "exec node --max-semi-space-size=1 --optimize-for-size --import tsx services/${SERVICE}/src/main.ts"]
