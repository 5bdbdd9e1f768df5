#!/usr/bin/env bash
# Builds the control-plane binaries envtest needs (kube-apiserver, etcd, kubectl) from Go module sources,
# because this project must test on machines that reach only the Go module proxy: no release tarballs,
# no setup-envtest downloads, no Docker.
#
# Idempotent: binaries are cached under bin/k8s/<version>/ and a second run only checks they are there.
# Progress goes to stderr; the LAST LINE OF STDOUT is the absolute directory holding the binaries, so
#   export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh | tail -1)
# works.
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/bin/k8s/${KUBE_VERSION}"
tools="${root}/hack/tools"

log() { echo "envtest-assets: $*" >&2; }

# The versions are pinned in the tools modules; refuse to build something other than what the caller asked for.
grep -Eq "k8s.io/kubernetes v${KUBE_VERSION}( |$)" "${tools}/kubernetes/go.mod" ||
	{ log "hack/tools/kubernetes/go.mod does not pin k8s.io/kubernetes v${KUBE_VERSION}"; exit 1; }
grep -Eq "go.etcd.io/etcd/server/v3 v${ETCD_VERSION}( |$)" "${tools}/etcd/go.mod" ||
	{ log "hack/tools/etcd/go.mod does not pin go.etcd.io/etcd/server/v3 v${ETCD_VERSION}"; exit 1; }

mkdir -p "${out}"

# A binary is up to date when it exists and the stamp next to it records the module file it was built from.
stamp_ok() { # binary gomod
	[[ -x "${out}/$1" && -f "${out}/.$1.stamp" ]] && cmp -s "$2" "${out}/.$1.stamp"
}

build() { # binary module-dir package ldflags
	local bin="$1" dir="$2" pkg="$3" ldflags="$4"
	if stamp_ok "${bin}" "${dir}/go.mod"; then
		log "${bin}: cached in ${out}"
		return
	fi
	log "${bin}: building ${pkg} (a cold build of kube-apiserver takes 7-12 minutes on 2 cores)"
	local start=$SECONDS
	(cd "${dir}" && CGO_ENABLED=0 go build -trimpath -ldflags "${ldflags}" -o "${out}/${bin}.tmp" "${pkg}")
	mv "${out}/${bin}.tmp" "${out}/${bin}"
	cp "${dir}/go.mod" "${out}/.${bin}.stamp"
	log "${bin}: built in $((SECONDS - start))s"
}

# Version stamps: both component-base (servers) and client-go (kubectl --client) read their own copy.
minor="$(echo "${KUBE_VERSION}" | cut -d. -f2)"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kube_ldflags+=" -X ${pkg}.gitVersion=v${KUBE_VERSION}"
	kube_ldflags+=" -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
	kube_ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
done

build etcd "${tools}/etcd" go.etcd.io/etcd/server/v3 "-s -w"
build kubectl "${tools}/kubernetes" k8s.io/kubernetes/cmd/kubectl "${kube_ldflags}"
build kube-apiserver "${tools}/kubernetes" k8s.io/kubernetes/cmd/kube-apiserver "${kube_ldflags}"

echo "${out}"
