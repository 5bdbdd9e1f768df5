/*
Copyright 2026 The roadmap-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package board

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// ExportHTML writes the board as one self-contained file: the page with its style sheet and script inlined and
// the model embedded as JSON. Its Content-Security-Policy allows exactly that script and style (by hash) and
// nothing else: no network access, no other inline script.
func ExportHTML(w io.Writer, m *Model) error {
	data, err := json.Marshal(m) // escapes <, > and & so the JSON cannot end its script element
	if err != nil {
		return fmt.Errorf("encoding the model: %w", err)
	}
	script, style := string(appJS), string(appCSS)
	csp := fmt.Sprintf("default-src 'none'; script-src '%s'; style-src '%s'; img-src data:; base-uri 'none'; form-action 'none'",
		hash(script), hash(style))
	page := string(indexHTML)
	for _, r := range []struct{ marker, with string }{
		{`<!--board:csp-->`, `<meta http-equiv="Content-Security-Policy" content="` + csp + `">`},
		{`<link rel="stylesheet" href="app.css"><!--board:style-->`, "<style>" + style + "</style>"},
		{`<!--board:data-->`, `<script id="roadmap-data" type="application/json">` + string(data) + `</script>`},
		{`<script src="app.js"></script><!--board:script-->`, "<script>" + script + "</script>"},
	} {
		if !strings.Contains(page, r.marker) {
			return fmt.Errorf("page template lacks %s", r.marker)
		}
		page = strings.Replace(page, r.marker, r.with, 1)
	}
	_, err = io.WriteString(w, page)
	return err
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// svgColours are the fills and strokes of the timeline's bars by health, as in the page's style sheet.
var svgColours = map[string][2]string{
	"ok": {"#d4edda", "#1e7b34"}, "waiting": {"#fff3cd", "#8a6d00"}, "blocked": {"#f8d7da", "#b02a37"},
	"broken": {"#f5c6cb", "#7a1020"}, "inactive": {"#e2e3e5", "#5c636a"}, "unknown": {"#ffffff", "#5c636a"},
}

// ExportSVG writes the timeline alone as a standalone SVG image, drawn as the page draws it.
func ExportSVG(w io.Writer, m *Model) error {
	tl := m.Timeline
	var b bytes.Buffer
	text := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n",
		tl.Width, tl.Height, tl.Width, tl.Height)
	fmt.Fprintf(&b, "<title>Roadmap timeline %s to %s (as of %s)</title>\n", text(tl.Start), text(tl.End), text(m.Today))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	for i, l := range tl.Lanes {
		fill := "#ffffff"
		if i%2 == 1 {
			fill = "#f6f8fa"
		}
		fmt.Fprintf(&b, `<rect x="0" y="%.1f" width="%.0f" height="%.1f" fill="%s"/>`+"\n", l.Y, tl.Width, l.Height, fill)
		fmt.Fprintf(&b, `<text x="6" y="%.1f" font-weight="bold">%s</text>`+"\n", l.Y+14, text(l.Owner))
	}
	for _, t := range tl.Ticks {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="16" y2="%.0f" stroke="#d0d7de"/><text x="%.1f" y="13" fill="#5c636a">%s</text>`+"\n",
			t.X, t.X, tl.Height, t.X+3, text(t.Label))
	}
	for _, bar := range tl.Bars {
		c := svgColours[bar.Health]
		stroke, width, dash, opacity := c[1], 1.5, "", 1.0
		if bar.Track == "Operations" {
			dash = ` stroke-dasharray="5 2"`
		}
		if bar.Critical {
			stroke, width = "#000000", 3
		}
		if bar.Phase == "Done" {
			opacity = 0.55
		}
		fmt.Fprintf(&b, "<g>")
		if bar.Milestone {
			fmt.Fprintf(&b, `<path d="M%.1f %.1fl7 7l-7 7l-7-7z" fill="%s" stroke="%s" stroke-width="%.1f"/>`, bar.X, bar.Y+4, c[0], stroke, width)
		} else {
			rx := 1
			if bar.Track == "Innovation" {
				rx = 8
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="16" rx="%d" fill="%s" stroke="%s" stroke-width="%.1f"%s opacity="%.2f"/>`,
				bar.X, bar.Y+3, bar.W, rx, c[0], stroke, width, dash, opacity)
		}
		marks := ""
		if bar.Critical {
			marks += "★ "
		}
		if bar.Conflict != "" {
			marks += "⚠ "
		}
		if bar.PastDue {
			marks += "‼ "
		}
		deco := ""
		if bar.Phase == "Cancelled" {
			deco = ` text-decoration="line-through" fill="#5c636a"`
		} else if bar.PastDue || bar.Conflict != "" {
			deco = ` fill="#b02a37" font-weight="bold"`
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f"%s>%s</text>`, bar.X+max(bar.W, 8)+6, bar.Y+15, deco,
			text(marks+bar.Glyph+" "+bar.Label+" · "+bar.Phase))
		fmt.Fprintf(&b, "<title>%s</title></g>\n", text(strings.TrimPrefix(bar.Node, "initiative/")+": "+bar.Phase+", "+bar.Start+" to "+bar.End))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="0" y2="%.0f" stroke="#0550ae" stroke-width="2" stroke-dasharray="4 3"/>`+"\n", tl.TodayX, tl.TodayX, tl.Height)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" fill="#0550ae" font-weight="bold">today %s</text>`+"\n", tl.TodayX+3, tl.Height-4, text(m.Today))
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}
