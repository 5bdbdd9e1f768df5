{{- define "type" -}}
{{- $type := . -}}
{{- if markdownShouldRenderType $type }}

### {{ $type.Name }}
{{- if $type.IsAlias }}

_Underlying type:_ {{ markdownRenderTypeLink $type.UnderlyingType }}
{{- end }}

{{ $type.Doc | trim }}
{{- $validation := list }}
{{- range $type.Validation }}{{ if not (or (hasPrefix "Optional" .) (hasPrefix "Required" .)) }}{{ $validation = append $validation . }}{{ end }}{{ end }}
{{- if $validation }}

_Validation:_
{{ range $validation }}
- {{ markdownRenderFieldDoc . }}
{{- end }}
{{- end }}
{{- if $type.References }}

_Appears in:_ {{ range $i, $ref := $type.SortedReferences }}{{ if $i }}, {{ end }}{{ markdownRenderTypeLink $ref }}{{ end }}
{{- end }}
{{- if $type.Members }}

| Field | Description | Default | Validation |
| --- | --- | --- | --- |
{{- if $type.GVK }}
| `apiVersion` _string_ | `{{ $type.GVK.Group }}/{{ $type.GVK.Version }}` | | |
| `kind` _string_ | `{{ $type.GVK.Kind }}` | | |
{{- end }}
{{- range $type.Members }}
| `{{ .Name }}` _{{ markdownRenderType .Type }}_ | {{ template "type_members" . }} | {{ markdownRenderDefault .Default }} | {{ template "field_validation" .Validation }} |
{{- end }}
{{- end }}
{{- if $type.EnumValues }}

| Value | Description |
| --- | --- |
{{- range $type.EnumValues }}
| `{{ .Name }}` | {{ markdownRenderFieldDoc (trim .Doc) }} |
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
