# roadmap-operator Makefile, in kubebuilder's conventions: `make help` lists the targets.

IMG ?= roadmap-operator:latest
# Extra arguments for go test, e.g. make test TEST_ARGS='-run TestValidation -v'.
TEST_ARGS ?=

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

LOCALBIN ?= $(shell pwd)/bin
CONTROLLER_TOOLS_VERSION ?= v0.23.0
KUSTOMIZE_VERSION ?= v5.8.2
# Versioned names, so bumping a version above reinstalls the tool.
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen-$(CONTROLLER_TOOLS_VERSION)
KUSTOMIZE ?= $(LOCALBIN)/kustomize-$(KUSTOMIZE_VERSION)
CRD_REF_DOCS_VERSION ?= v0.3.0
CRD_REF_DOCS ?= $(LOCALBIN)/crd-ref-docs-$(CRD_REF_DOCS_VERSION)
# golangci-lint is pinned in the tools module hack/tools/golangci-lint (go.mod and go.sum), built from there.
GOLANGCI_LINT_VERSION ?= v2.15.0
GOLANGCI_LINT ?= $(LOCALBIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
GO_TEST_TIMEOUT ?= 25m
# actionlint is pinned in the tools module hack/tools/actionlint, built from there.
ACTIONLINT_VERSION ?= v1.7.8
ACTIONLINT ?= $(LOCALBIN)/actionlint-$(ACTIONLINT_VERSION)

# The chart generator and the test suites build as the image does (static, -trimpath): the image test's build
# of the manager, the binaries the demo and the board tests build, and the suites of hack/dist then reuse the
# packages compiled before them, which saves minutes on a cold build cache.
STATIC_GO_ENV ?= CGO_ENABLED=0 GOFLAGS="$(strip $(GOFLAGS) -trimpath)"

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen argocd api-docs ## Generate CRDs, the manager's ClusterRole, the Argo CD health-check patch, the API reference and the Helm chart.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./..." output:crd:artifacts:config=config/crd/bases
	cd hack/dist && $(STATIC_GO_ENV) go run ./cmd/chart generate

.PHONY: argocd
argocd: ## Generate config/argocd/argocd-cm-patch.yaml from the Lua health checks in config/argocd/resource_customizations.
	hack/gen-argocd-cm.sh

.PHONY: api-docs
api-docs: crd-ref-docs ## Generate docs/api-reference.md from the API types.
	$(CRD_REF_DOCS) --source-path=api/v1alpha1 --config=hack/api-docs/config.yaml --renderer=markdown \
		--templates-dir=hack/api-docs/templates --output-path=docs/api-reference.md --log-level=ERROR

.PHONY: generate
generate: controller-gen ## Generate DeepCopy methods for the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## Run go fmt against code.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet against code.
	go vet ./...

.PHONY: lint
lint: golangci-lint ## Run golangci-lint with .golangci.yml (linters and import grouping).
	$(GOLANGCI_LINT) run ./...

.PHONY: lint-fix
lint-fix: golangci-lint ## Apply golangci-lint's formatters (gofmt, gci import grouping) and its automatic fixes.
	$(GOLANGCI_LINT) fmt ./...
	$(GOLANGCI_LINT) run --fix ./...

.PHONY: license
license: ## Add the licence header of hack/boilerplate.go.txt to every Go file without it (safe to re-run).
	hack/add-license.sh

.PHONY: verify
verify: manifests generate golangci-lint actionlint ## Fail if generated files (the Helm chart too) are stale, a Go file lacks the licence header, or gofmt, vet, golangci-lint or actionlint complain.
	@if [ -n "$$(git status --porcelain -- api config docs/api-reference.md charts)" ]; then \
		echo "generated files are out of date; run 'make manifests generate' and commit:"; \
		git status --porcelain -- api config docs/api-reference.md charts; git --no-pager diff -- api config docs/api-reference.md charts | head -50; exit 1; fi
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$unformatted" ]; then \
		echo "not gofmt'ed: $$unformatted"; exit 1; fi
	go vet ./...
	hack/add-license.sh --check
	$(GOLANGCI_LINT) run ./...
	cd hack/dist && go vet ./... && $(GOLANGCI_LINT) run --config ../../.golangci.yml ./...
	$(ACTIONLINT)

.PHONY: envtest-assets
envtest-assets: ## Put kube-apiserver, etcd and kubectl into bin/k8s/ (cached): the released envtest binaries, else built from Go module sources.
	hack/envtest-assets.sh >/dev/null

.PHONY: test
test: manifests generate envtest-assets ## Run unit and envtest suites against a real kube-apiserver and etcd.
	$(STATIC_GO_ENV) KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh 2>/dev/null | tail -1)" \
		go test ./... -timeout $(GO_TEST_TIMEOUT) $(TEST_ARGS)
	@# hack/dist is a module of its own (Helm and go-containerregistry stay out of the operator's go.mod).
	cd hack/dist && $(STATIC_GO_ENV) KUBEBUILDER_ASSETS="$$(../../hack/envtest-assets.sh 2>/dev/null | tail -1)" \
		go test ./... -timeout $(GO_TEST_TIMEOUT) $(TEST_ARGS)

FUZZTIME ?= 20s
.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME (their seed corpora also run in make test).
	go test ./internal/graph -run '^$$' -fuzz '^FuzzFindCycle$$' -fuzztime $(FUZZTIME)
	go test ./internal/readiness -run '^$$' -fuzz '^FuzzEvaluateInitiative$$' -fuzztime $(FUZZTIME)
	go test ./internal/readiness -run '^$$' -fuzz '^FuzzEvaluateCapability$$' -fuzztime $(FUZZTIME)
	go test ./internal/readiness -run '^$$' -fuzz '^FuzzSummarize$$' -fuzztime $(FUZZTIME)
	go test ./api/v1alpha1 -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime $(FUZZTIME)

##@ Demo

.PHONY: demo
demo: ## The product on a local control plane (etcd, kube-apiserver, the manager; no Docker): a sample roadmap unblocks; then the board.
	hack/demo.sh

.PHONY: demo-down
demo-down: ## Stop the processes `make demo` started, the board too (state stays in bin/demo; rm -rf bin/demo to start afresh).
	hack/local-cluster.sh down

BENCH_ARGS ?=
.PHONY: bench
bench: manifests generate envtest-assets ## Measure propagation, write amplification and memory against the apiserver's floor (BENCH_ARGS=--quick in CI).
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh 2>/dev/null | tail -1)" go run ./test/bench $(BENCH_ARGS)

.PHONY: test-long
test-long: manifests generate envtest-assets ## Also run the long reliability tests (thousands of objects, about 10 minutes).
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh 2>/dev/null | tail -1)" \
		go test ./test/reliability/ -timeout 60m -v $(TEST_ARGS) -args -long

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager and the kubectl plugin into bin/.
	go build -o $(LOCALBIN)/manager ./cmd/manager
	go build -o $(LOCALBIN)/kubectl-roadmap ./cmd/kubectl-roadmap

.PHONY: plugin
plugin: ## Build the kubectl plugin into bin/kubectl-roadmap (put bin/ on PATH: kubectl roadmap ...).
	go build -o $(LOCALBIN)/kubectl-roadmap ./cmd/kubectl-roadmap

.PHONY: run
run: manifests generate fmt vet ## Run the manager from your host against the cluster in your kubeconfig.
	go run ./cmd/manager

.PHONY: docker-build
docker-build: ## Build the manager image (needs a Docker engine).
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMG) .

.PHONY: docker-push
docker-push: ## Push the manager image.
	docker push $(IMG)

##@ Deployment

.PHONY: install
install: manifests kustomize ## Install the CRDs into the cluster in your kubeconfig.
	$(KUSTOMIZE) build config/crd | kubectl apply --server-side -f -

# Deleting the CRDs deletes every Goal, Capability and Initiative in the cluster, so no ordinary target does it
# (undeploy keeps them); this one does, and only with CONFIRM=delete-the-roadmap.
.PHONY: uninstall-crds-and-delete-roadmap
uninstall-crds-and-delete-roadmap: manifests kustomize ## DELETES EVERY ROADMAP OBJECT: remove the CRDs (needs CONFIRM=delete-the-roadmap).
	@if [ "$(CONFIRM)" != "delete-the-roadmap" ]; then \
		echo "This deletes the CRDs and with them every Goal, Capability and Initiative in the cluster."; \
		echo "Run: make uninstall-crds-and-delete-roadmap CONFIRM=delete-the-roadmap"; exit 1; fi
	$(KUSTOMIZE) build config/crd | kubectl delete --ignore-not-found -f -

.PHONY: deploy
deploy: manifests kustomize ## Deploy the manager to the cluster in your kubeconfig, with image IMG.
	@# The image is set in a copy of config/, so the tree stays as committed.
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp -r config "$$tmp/" && \
		(cd "$$tmp/config/manager" && $(KUSTOMIZE) edit set image controller=$(IMG)) && \
		$(KUSTOMIZE) build "$$tmp/config/default" | kubectl apply --server-side -f -

.PHONY: build-installer
build-installer: manifests generate kustomize ## Write dist/install.yaml (CRDs, RBAC, the manager with image IMG) and the optional dist/policy.yaml.
	mkdir -p dist
	@# The image is set in a copy of config/, so the tree stays as committed.
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp -r config "$$tmp/" && \
		(cd "$$tmp/config/manager" && $(KUSTOMIZE) edit set image controller=$(IMG)) && \
		$(KUSTOMIZE) build "$$tmp/config/default" > dist/install.yaml
	$(KUSTOMIZE) build config/policy > dist/policy.yaml

.PHONY: undeploy
undeploy: kustomize ## Remove the manager, its RBAC and namespace; keeps the CRDs and so the roadmap.
	$(KUSTOMIZE) build config/operator | kubectl delete --ignore-not-found -f -

##@ Distribution

# The release's version (a git tag such as v0.1.0) and commit, stamped into the image labels, chart and plugin.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
IMAGE_TAR ?= dist/roadmap-operator-image.tar
CHART_REPO ?= oci://ghcr.io/roadmap-operator/charts

.PHONY: image
image: ## Build the manager image (linux/amd64 and linux/arm64, no Docker) as an OCI image layout tarball: IMAGE_TAR.
	cd hack/dist && go run ./cmd/image build --root ../.. --out $(abspath $(IMAGE_TAR)) --version $(VERSION) --revision "$(REVISION)"

.PHONY: image-push
image-push: image ## Push the image to IMG (credentials of docker/crane login); its digest goes to dist/image.digest.
	cd hack/dist && go run ./cmd/image push --layout $(abspath $(IMAGE_TAR)) --image $(IMG) --digest-file $(abspath dist/image.digest)

.PHONY: sbom
sbom: ## Write dist/sbom.spdx.json: the SPDX SBOM of the manager binary's Go modules.
	mkdir -p dist
	CGO_ENABLED=0 go build -trimpath -o dist/manager-sbom ./cmd/manager
	cd hack/dist && go run ./cmd/sbom --binary $(abspath dist/manager-sbom) --version $(VERSION) > $(abspath dist/sbom.spdx.json)
	rm -f dist/manager-sbom

.PHONY: image-sign
image-sign: ## Sign the pushed image (dist/image.digest) keylessly and attach dist/sbom.spdx.json as an attestation (needs cosign).
	@command -v cosign >/dev/null || { echo "image-sign needs cosign (the release workflow installs it)"; exit 1; }
	cosign sign --yes "$$(cat dist/image.digest)"
	cosign attest --yes --type spdxjson --predicate dist/sbom.spdx.json "$$(cat dist/image.digest)"

.PHONY: helm-chart
helm-chart: manifests ## Regenerate charts/roadmap-operator from config/ (make manifests does it too; make verify fails when it is stale).

.PHONY: helm-package
helm-package: ## Package the chart as dist/roadmap-operator-<VERSION>.tgz, with VERSION as version and appVersion.
	cd hack/dist && go run ./cmd/chart package --version $(VERSION) --out $(abspath dist)

.PHONY: helm-push
helm-push: helm-package ## Push the packaged chart to CHART_REPO as an OCI artifact (credentials: HELM_REGISTRY_CONFIG or docker login).
	cd hack/dist && go run ./cmd/chart push --chart $(abspath dist/roadmap-operator-$(patsubst v%,%,$(VERSION)).tgz) --remote $(CHART_REPO)

.PHONY: krew
krew: ## Build the kubectl plugin archives and the krew manifest for VERSION into dist/krew/.
	hack/krew/package.sh $(VERSION)

##@ Tools

$(LOCALBIN):
	mkdir -p $(LOCALBIN)

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/.
$(CONTROLLER_GEN): | $(LOCALBIN)
	$(call go-install-tool,$(CONTROLLER_GEN),sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Install kustomize into bin/.
$(KUSTOMIZE): | $(LOCALBIN)
	$(call go-install-tool,$(KUSTOMIZE),sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION))

.PHONY: crd-ref-docs
crd-ref-docs: $(CRD_REF_DOCS) ## Install crd-ref-docs into bin/.
$(CRD_REF_DOCS): | $(LOCALBIN)
	$(call go-install-tool,$(CRD_REF_DOCS),github.com/elastic/crd-ref-docs,$(CRD_REF_DOCS_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Build golangci-lint into bin/ from its tools module.
$(GOLANGCI_LINT): hack/tools/golangci-lint/go.mod | $(LOCALBIN)
	@grep -Eq 'github.com/golangci/golangci-lint/v2 $(GOLANGCI_LINT_VERSION)( |$$)' hack/tools/golangci-lint/go.mod || \
		{ echo "hack/tools/golangci-lint/go.mod does not pin golangci-lint $(GOLANGCI_LINT_VERSION)"; exit 1; }
	cd hack/tools/golangci-lint && go build -o $(GOLANGCI_LINT) github.com/golangci/golangci-lint/v2/cmd/golangci-lint

.PHONY: actionlint
actionlint: $(ACTIONLINT) ## Build actionlint into bin/ from its tools module.
$(ACTIONLINT): hack/tools/actionlint/go.mod | $(LOCALBIN)
	@grep -Eq 'github.com/rhysd/actionlint $(ACTIONLINT_VERSION)( |$$)' hack/tools/actionlint/go.mod || \
		{ echo "hack/tools/actionlint/go.mod does not pin actionlint $(ACTIONLINT_VERSION)"; exit 1; }
	cd hack/tools/actionlint && go build -o $(ACTIONLINT) github.com/rhysd/actionlint/cmd/actionlint

# go-install-tool installs package $(2) at version $(3) and names the binary $(1).
define go-install-tool
@set -e; tmp=$$(mktemp -d); echo "installing $(2)@$(3)"; \
GOBIN=$$tmp go install $(2)@$(3); mv $$tmp/$$(basename $$(echo $(2) | sed 's#/v[0-9]*$$##')) $(1); rm -rf $$tmp
endef
