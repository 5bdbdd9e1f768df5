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

package plugin

import (
	"io"
	"strings"

	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

// joinNonEmpty joins the parts that are not empty with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// RenderTree writes a tree as a table: the tree in the first column, then status (with a glyph, coloured),
// owner, due date (target date; a capability's ETA) and message.
func RenderTree(w io.Writer, root *roadmapview.TreeNode, st Style) error {
	type row struct {
		name, status string
		health       roadmapview.Health
		owner, due   string
		message      string
	}
	var rows []row
	var walk func(n *roadmapview.TreeNode, prefix, childPrefix string)
	walk = func(n *roadmapview.TreeNode, prefix, childPrefix string) {
		msg := n.Message
		if n.Note != "" {
			msg = joinNonEmpty(" ", "("+n.Note+")", msg)
		}
		rows = append(rows, row{name: prefix + n.Label, status: n.Health.Glyph() + " " + n.Status, health: n.Health,
			owner: n.Owner, due: n.Due, message: msg})
		for i, c := range n.Children {
			if i == len(n.Children)-1 {
				walk(c, childPrefix+branchLast, childPrefix+indentLast)
			} else {
				walk(c, childPrefix+branchMid, childPrefix+indentMid)
			}
		}
	}
	walk(root, "", "")
	header := row{name: "NAME", status: "STATUS", owner: "OWNER", due: "DUE", message: "MESSAGE"}
	wName, wStatus, wOwner, wDue := width(header.name), width(header.status), width(header.owner), width(header.due)
	for _, r := range rows {
		wName, wStatus = max(wName, width(r.name)), max(wStatus, width(r.status))
		wOwner, wDue = max(wOwner, width(r.owner)), max(wDue, width(r.due))
	}
	ew := &errWriter{w: w}
	line := func(r row, status string) {
		s := pad(r.name, wName) + "  " + status + strings.Repeat(" ", wStatus-width(r.status)) + "  " +
			pad(r.owner, wOwner) + "  " + pad(r.due, wDue) + "  " + r.message
		ew.println(strings.TrimRight(s, " "))
	}
	line(header, header.status)
	for _, r := range rows {
		line(r, st.Paint(r.health, r.status))
	}
	return ew.err
}
