#!/usr/bin/env bash
# Puts the licence header of hack/boilerplate.go.txt at the top of every Go file of the repository (tracked, or
# new and not ignored) that does not carry it yet, above the package clause and below any //go:build line.
# Idempotent: run it again after merging branches, and it only touches files that still lack the header.
#
#   hack/add-license.sh           add the header where it is missing
#   hack/add-license.sh --check   list the files without it and fail (make verify)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

boilerplate=hack/boilerplate.go.txt
check=false
[[ "${1:-}" == "--check" ]] && check=true

# has_header FILE: the boilerplate's lines appear, in order and unchanged, before the package clause.
has_header() {
	awk -v bp="${boilerplate}" '
		BEGIN { while ((getline line < bp) > 0) want[n++] = line }
		/^package / { exit }
		{ head = head $0 "\n" }
		END {
			text = ""; for (i = 0; i < n; i++) text = text want[i] "\n"
			exit index(head, text) ? 0 : 1
		}' "$1"
}

missing=()
while IFS= read -r f; do
	[[ -f "${f}" ]] || continue
	has_header "${f}" || missing+=("${f}")
done < <(git ls-files --cached --others --exclude-standard -- '*.go')

if ${check}; then
	if ((${#missing[@]} > 0)); then
		echo "Go files without the licence header of ${boilerplate} (run hack/add-license.sh):" >&2
		printf '  %s\n' "${missing[@]}" >&2
		exit 1
	fi
	exit 0
fi

for f in "${missing[@]}"; do
	tmp="$(mktemp)"
	if head -1 "${f}" | grep -q '^//go:build '; then
		{ head -1 "${f}"; echo; cat "${boilerplate}"; echo; tail -n +2 "${f}" | sed '1{/^$/d}'; } >"${tmp}"
	else
		{ cat "${boilerplate}"; echo; cat "${f}"; } >"${tmp}"
	fi
	cat "${tmp}" >"${f}"
	rm -f "${tmp}"
	echo "added the licence header to ${f}"
done
