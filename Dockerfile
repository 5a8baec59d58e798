# syntax=docker/dockerfile:1
# Both services from one build. Pick the image with a target:
#   docker build --target mcp-tasks -t task-assistant/mcp-tasks .
#   docker build --target chat-gateway -t task-assistant/chat-gateway .
# (compose.yaml does this for you). Migrations are embedded in the binaries.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
# The registry and target directory live in BuildKit caches: a rebuild after a source
# change recompiles only this workspace's crates, not the dependencies.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p mcp-tasks -p chat-gateway \
    && mkdir -p /out \
    && cp target/release/mcp-tasks target/release/chat-gateway /out/

# The shared runtime: CA roots (HTTPS to model providers, JWKS, webhooks), curl for the
# health checks, and an unprivileged user. No shell tools beyond Debian's minimal base.
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/app app
USER 10001:10001
WORKDIR /home/app
ENV LOG_FORMAT=json

FROM runtime AS mcp-tasks
COPY --from=build /out/mcp-tasks /usr/local/bin/mcp-tasks
ENV TASKS_BIND=0.0.0.0:8001
EXPOSE 8001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8001/readyz"]
ENTRYPOINT ["mcp-tasks"]
CMD ["serve"]

FROM runtime AS chat-gateway
COPY --from=build /out/chat-gateway /usr/local/bin/chat-gateway
ENV GATEWAY_BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8000/readyz"]
ENTRYPOINT ["chat-gateway"]
CMD ["serve"]
