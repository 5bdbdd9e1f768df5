{{- define "type_members" -}}
{{- $field := . -}}
{{- if eq $field.Name "metadata" -}}
Standard object metadata.
{{- else -}}
{{ markdownRenderFieldDoc (trim $field.Doc) }}
{{- end -}}
{{- end -}}

{{- define "field_validation" -}}
{{- $first := true -}}
{{- range . -}}
{{- if not (hasPrefix "Optional" .) -}}
{{- if not $first }}<br />{{ end }}{{ $first = false -}}
{{- if hasPrefix "Required" . }}required{{ else }}{{ markdownRenderFieldDoc . }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
