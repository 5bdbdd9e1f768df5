#!/usr/bin/env bash
# Builds the archives krew installs kubectl-roadmap from, one per platform, into dist/krew/, and renders
# hack/krew/roadmap.yaml for them (version, download URLs and sha256) into dist/krew/roadmap.yaml.
#
#   hack/krew/package.sh v0.1.0                       # URLs of the GitHub release v0.1.0
#   hack/krew/package.sh v0.1.0 https://dl.example/v0.1.0   # archives hosted elsewhere
#   PLATFORMS=linux/amd64 hack/krew/package.sh v0.1.0 # fewer platforms (the manifest keeps only those)
#
# Install from the result without any index:
#   kubectl krew install --manifest=dist/krew/roadmap.yaml --archive=dist/krew/kubectl-roadmap_v0.1.0_linux_amd64.tar.gz
set -euo pipefail

version=${1:?usage: hack/krew/package.sh VERSION [DOWNLOAD_BASE_URL]}
base=${2:-}
platforms=${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/dist/krew
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A sha
for p in $platforms; do
	os=${p%/*} arch=${p#*/}
	bin=kubectl-roadmap
	[ "$os" = windows ] && bin=kubectl-roadmap.exe
	archive=kubectl-roadmap_${version}_${os}_${arch}.tar.gz
	echo "building $archive" >&2
	mkdir -p "$tmp/$os-$arch"
	(cd "$root" && GOOS=$os GOARCH=$arch CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
		-o "$tmp/$os-$arch/$bin" ./cmd/kubectl-roadmap)
	tar -C "$tmp/$os-$arch" -czf "$out/$archive" "$bin"
	sha[$archive]=$(sha256sum "$out/$archive" | cut -d' ' -f1)
done

# Render the krew-release-bot template: {{ .TagName }} becomes the version; each addURIAndSha line becomes uri and
# sha256 of an archive built above; platforms not built are dropped.
{
	block=() keep=1
	flush() { if [ ${#block[@]} -gt 0 ] && [ $keep = 1 ]; then printf '%s\n' "${block[@]}"; fi; block=() keep=1; }
	while IFS= read -r line; do
		case $line in
		"#"*) continue ;;
		"  - selector:"*) flush; block+=("$line") ;;
		*addURIAndSha*)
			url=$(sed -E 's/.*addURIAndSha "([^"]*)".*/\1/' <<<"$line")
			url=${url//'{{ .TagName }}'/$version}
			archive=${url##*/}
			[ -n "$base" ] && url=${base%/}/$archive
			indent=${line%%\{\{*}
			if [ -n "${sha[$archive]:-}" ]; then
				block+=("${indent}uri: $url" "${indent}sha256: ${sha[$archive]}")
			else
				keep=0
			fi
			;;
		*)
			line=${line//'{{ .TagName }}'/$version}
			if [ ${#block[@]} -gt 0 ]; then block+=("$line"); else printf '%s\n' "$line"; fi
			;;
		esac
	done <"$root/hack/krew/roadmap.yaml"
	flush
} >"$out/roadmap.yaml"
echo "$out/roadmap.yaml" >&2
