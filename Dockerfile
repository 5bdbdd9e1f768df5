# Build the manager binary.
FROM golang:1.26 AS builder
# Set by BuildKit for the platform being built (docker buildx build --platform ...).
ARG TARGETOS
ARG TARGETARCH
# The release stamped into the binary (--version, the start-up log) and the image labels.
ARG VERSION=dev

WORKDIR /workspace
# Download modules first, in their own layer, so source changes do not re-download them.
COPY go.mod go.mod
COPY go.sum go.sum
RUN go mod download

COPY api/ api/
COPY cmd/ cmd/
COPY controllers/ controllers/
COPY internal/ internal/

# GOARCH has no default so that, without BuildKit, the builder's own architecture is used.
# CGO is off so the binary is static and runs on distroless/static.
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o manager ./cmd/manager

# A minimal, shell-less image running as the distroless nonroot user: the layout `make image` builds without
# Docker (hack/dist/image), with the same entrypoint, user and OCI labels.
FROM gcr.io/distroless/static:nonroot
ARG VERSION=dev
ARG REVISION=
LABEL org.opencontainers.image.title="roadmap-operator" \
      org.opencontainers.image.source="https://github.com/roadmap-operator/roadmap-operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /
COPY --from=builder /workspace/manager .
USER 65532:65532

ENTRYPOINT ["/manager"]
