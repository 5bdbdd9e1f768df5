{{- define "gvList" -}}
{{- $groupVersions := . -}}
# API reference

<!-- Generated from the Go types in api/ by `make api-docs` (crd-ref-docs, templates in hack/api-docs). Do not edit. -->

Kinds are documented field by field below; what the conditions and reasons mean, and what to do about each, is in
[concepts.md](concepts.md). Rules the apiserver enforces with CEL (no self-references, valid names) are listed in
the type descriptions where they apply and are not repeated here.
{{ range $groupVersions }}
{{ template "gvDetails" . }}
{{- end }}
{{ end -}}
