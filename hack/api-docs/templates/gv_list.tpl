{{- define "gvList" -}}
{{- $groupVersions := . -}}
# API reference

<!-- Generated from the Go types in api/ by `make api-docs` (crd-ref-docs, templates in hack/api-docs). Do not edit. -->

Kinds are documented field by field below; what the conditions and reasons mean, and what to do about each, is in
[concepts.md](concepts.md). Rules the apiserver enforces with CEL (no self-references, valid names) are listed in
the type descriptions where they apply and are not repeated here. Free text (titles, owners, categories,
descriptions, key results, a check's apiVersion, kind and namespace) takes any printable character of any script,
but the apiserver refuses control characters (escape sequences, line breaks; descriptions may hold tabs and line
breaks) and invisible formatting characters (bidirectional overrides and isolates such as U+202E, directional
marks, zero-width spaces and joiners, the byte-order mark, soft hyphens, Unicode line and paragraph separators),
which would make text read differently on the board, in exports and in terminals from what it holds.
{{ range $groupVersions }}
{{ template "gvDetails" . }}
{{- end }}
{{ end -}}
