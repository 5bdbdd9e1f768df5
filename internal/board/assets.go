package board

import _ "embed"

// The page is hand-written HTML, CSS and JavaScript embedded in the binary: no CDN, no build step, nothing
// fetched from elsewhere, so the board works in air-gapped clusters.
var (
	//go:embed web/index.html
	indexHTML []byte
	//go:embed web/app.js
	appJS []byte
	//go:embed web/app.css
	appCSS []byte
)
