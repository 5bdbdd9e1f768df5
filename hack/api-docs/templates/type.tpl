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
| `{{ .Name }}` _{{ template "field_type" .Type }}_ | {{ template "type_members" . }} | {{ markdownRenderDefault .Default }} | {{ template "field_validation" .Validation }} |
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

{{- /* Go type aliases (Text, MultilineText: string with one shared CEL rule) are not rendered as types of their
own (crd-ref-docs reads them as unsupported kinds); show them as the string they are. 8 is
types.UnsupportedKind. */ -}}
{{- define "field_type" -}}
{{- if eq .Kind 8 }}string{{ else if and .UnderlyingType (eq .UnderlyingType.Kind 8) }}string{{ else }}{{ markdownRenderType . }}{{ end -}}
{{- end -}}
