#!/usr/bin/env bash
# Puts the control-plane binaries envtest needs (kube-apiserver, etcd, kubectl) under bin/k8s/<version>/.
#
# It first tries the released envtest binaries the way controller-runtime's setup-envtest fetches them: the
# controller-tools releases index (ENVTEST_INDEX_URL) names the archive envtest-v<version>-<os>-<arch>.tar.gz with
# its sha512, and the archive holds controller-tools/envtest/{etcd,kube-apiserver,kubectl}. A first run then takes
# about a minute. Where the index or the archive cannot be had, or the checksum does not match, it builds the
# binaries from Go module sources instead (hack/tools), because this project must also test on machines that reach
# only the Go module proxy: 10-15 minutes on 2 cores. One line on stderr says which path it took.
#
# Idempotent: binaries are cached with a stamp each (the archive they came from, or the module file they were
# built from), and a run that finds all three up to date touches no network.
# Progress goes to stderr; the LAST LINE OF STDOUT is the absolute directory holding the binaries, so
#   export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh | tail -1)
# works.
#
# Environment: KUBE_VERSION, ETCD_VERSION (must match the pins in hack/tools), ENVTEST_ASSETS_DIR (default bin/k8s),
# ENVTEST_INDEX_URL, GO (the go command of the source build).
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
ENVTEST_INDEX_URL="${ENVTEST_INDEX_URL:-https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml}"
GO="${GO:-go}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${ENVTEST_ASSETS_DIR:-${root}/bin/k8s}/${KUBE_VERSION}"
tools="${root}/hack/tools"
binaries=(etcd kubectl kube-apiserver)

log() { echo "envtest-assets: $*" >&2; }

# The versions are pinned in the tools modules; refuse to build something other than what the caller asked for.
grep -Eq "k8s.io/kubernetes v${KUBE_VERSION}( |$)" "${tools}/kubernetes/go.mod" ||
	{ log "hack/tools/kubernetes/go.mod does not pin k8s.io/kubernetes v${KUBE_VERSION}"; exit 1; }
grep -Eq "go.etcd.io/etcd/server/v3 v${ETCD_VERSION}( |$)" "${tools}/etcd/go.mod" ||
	{ log "hack/tools/etcd/go.mod does not pin go.etcd.io/etcd/server/v3 v${ETCD_VERSION}"; exit 1; }

mkdir -p "${out}"
out="$(cd "${out}" && pwd)"

os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) arch="$(uname -m)" ;;
esac
archive="envtest-v${KUBE_VERSION}-${os}-${arch}.tar.gz"

# A binary is up to date when it exists and the stamp next to it records where it came from: the module file it
# was built from (stamp_ok binary gomod), or the archive of this version and platform (released_ok binary).
stamp_ok() {
	[[ -x "${out}/$1" && -f "${out}/.$1.stamp" ]] && cmp -s "$2" "${out}/.$1.stamp"
}
released_ok() {
	[[ -x "${out}/$1" && -f "${out}/.$1.stamp" ]] && [[ "$(cut -d' ' -f1 "${out}/.$1.stamp")" == "${archive}" ]]
}
gomod_of() { if [[ "$1" == etcd ]]; then echo "${tools}/etcd/go.mod"; else echo "${tools}/kubernetes/go.mod"; fi; }

cached=true
for bin in "${binaries[@]}"; do
	stamp_ok "${bin}" "$(gomod_of "${bin}")" || released_ok "${bin}" || cached=false
done
if "${cached}"; then
	log "kube-apiserver, etcd and kubectl cached in ${out}"
	echo "${out}"
	exit 0
fi

# fetch_release installs the released binaries into ${out} by way of ${tmp}, or fails saying why in ${why}.
why=""
fetch_release() {
	local index entry hash link sum bin
	command -v curl >/dev/null || { why="curl is not installed"; return 1; }
	# A short connect timeout: a machine without internet falls back within seconds.
	local curl=(curl --fail --silent --show-error --location --connect-timeout 5 --speed-limit 1024 --speed-time 30)
	index="$("${curl[@]}" --max-time 60 "${ENVTEST_INDEX_URL}" 2>&1)" ||
		{ why="the index ${ENVTEST_INDEX_URL}: ${index##*curl: }"; return 1; }
	# The index is releases.<version>.<archive>.{hash,selfLink}; read the two fields of our archive's entry.
	entry="$(awk -v name="${archive}:" '
		/^[[:space:]]*$/ { next }
		$1 == name { found = 1; depth = match($0, /[^ ]/); next }
		found && match($0, /[^ ]/) <= depth { exit }
		found { gsub(/["\047]/, "", $2) }
		found && $1 == "hash:" { hash = $2 }
		found && $1 == "selfLink:" { link = $2 }
		END { if (hash != "" && link != "") print hash, link }' <<<"${index}")"
	[[ -n "${entry}" ]] || { why="the index has no ${archive} with a hash and a selfLink"; return 1; }
	read -r hash link <<<"${entry}"
	"${curl[@]}" --output "${tmp}/${archive}" "${link}" 2>"${tmp}/err" ||
		{ why="${link}: $(sed 's/^curl: //' "${tmp}/err")"; return 1; }
	if command -v sha512sum >/dev/null; then
		sum="$(sha512sum "${tmp}/${archive}" | cut -d' ' -f1)"
	else
		sum="$(shasum -a 512 "${tmp}/${archive}" | cut -d' ' -f1)"
	fi
	[[ "${sum}" == "${hash}" ]] || { why="${archive}: sha512 ${sum} does not match the index's ${hash}"; return 1; }
	tar -xzf "${tmp}/${archive}" -C "${tmp}" "${binaries[@]/#/controller-tools/envtest/}" 2>"${tmp}/err" ||
		{ why="${archive}: $(tr '\n' ' ' <"${tmp}/err")"; return 1; }
	for bin in "${binaries[@]}"; do
		[[ -f "${tmp}/controller-tools/envtest/${bin}" && ! -L "${tmp}/controller-tools/envtest/${bin}" ]] ||
			{ why="${archive}: controller-tools/envtest/${bin} is not a regular file"; return 1; }
	done
	for bin in "${binaries[@]}"; do
		install -m 0755 "${tmp}/controller-tools/envtest/${bin}" "${out}/${bin}.tmp" &&
			mv "${out}/${bin}.tmp" "${out}/${bin}" &&
			echo "${archive} sha512:${hash}" >"${out}/.${bin}.stamp" ||
			{ why="cannot install ${bin} into ${out}"; return 1; }
	done
}

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
if fetch_release; then
	log "installed the released ${archive} (sha512 verified) into ${out}"
	echo "${out}"
	exit 0
fi
rm -rf "${tmp}"
log "no released binaries (${why}); building from Go module sources"

build() { # binary package ldflags
	local bin="$1" pkg="$2" ldflags="$3" gomod
	gomod="$(gomod_of "${bin}")"
	if stamp_ok "${bin}" "${gomod}"; then
		return
	fi
	log "${bin}: building ${pkg} (a cold build of kube-apiserver takes 7-12 minutes on 2 cores)"
	local start=$SECONDS
	(cd "$(dirname "${gomod}")" && CGO_ENABLED=0 "${GO}" build -trimpath -ldflags "${ldflags}" -o "${out}/${bin}.tmp" "${pkg}")
	mv "${out}/${bin}.tmp" "${out}/${bin}"
	cp "${gomod}" "${out}/.${bin}.stamp"
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

build etcd go.etcd.io/etcd/server/v3 "-s -w"
build kubectl k8s.io/kubernetes/cmd/kubectl "${kube_ldflags}"
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "${kube_ldflags}"

echo "${out}"
