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
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	roadmapv1 "github.com/roadmap-operator/roadmap-operator/api/v1alpha1"
	"github.com/roadmap-operator/roadmap-operator/internal/board/access"
	"github.com/roadmap-operator/roadmap-operator/internal/roadmapview"
)

var now = time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)

const xss = `<img src=x onerror=alert(1)>`

func ready(status metav1.ConditionStatus, reason, message string, at time.Time) []metav1.Condition {
	return []metav1.Condition{{Type: roadmapv1.ConditionReady, Status: status, Reason: reason, Message: message,
		LastTransitionTime: metav1.NewTime(at)}}
}

// snapshot: a platform capability provided by an Operations initiative and required by a blocked Innovation
// initiative that serves a child goal; one initiative Done, one Cancelled, one past its target date, one whose
// title is markup.
func snapshot() *roadmapview.Snapshot {
	return (&roadmapview.Snapshot{
		Goals: []roadmapv1.Goal{
			{ObjectMeta: metav1.ObjectMeta{Name: "growth"}, Spec: roadmapv1.GoalSpec{Title: "Growth"},
				Status: roadmapv1.GoalStatus{Progress: 40, Conditions: ready(metav1.ConditionTrue, "OnTrack", "2 of 5 done", now)}},
			{ObjectMeta: metav1.ObjectMeta{Name: "recs"}, Spec: roadmapv1.GoalSpec{Title: "Recommendations", Parent: "growth"},
				Status: roadmapv1.GoalStatus{Progress: 0, Conditions: append(ready(metav1.ConditionTrue, "OnTrack", "0 of 1 done", now),
					metav1.Condition{Type: roadmapv1.ConditionAtRisk, Status: metav1.ConditionTrue, Reason: "Blocked", Message: "1 blocked"})}},
		},
		Capabilities: []roadmapv1.Capability{{ObjectMeta: metav1.ObjectMeta{Name: "event-bus"},
			Spec: roadmapv1.CapabilitySpec{Title: "Event bus", Owner: "team-data", Lifecycle: roadmapv1.LifecyclePlanned},
			Status: roadmapv1.CapabilityStatus{Phase: roadmapv1.CapabilityPhasePlanned,
				Providers:  []roadmapv1.ProviderStatus{{Namespace: "ops", Name: "kafka", TargetDate: "2027-03-31", State: roadmapv1.StateActive}},
				Conditions: ready(metav1.ConditionFalse, "Planned", "not declared Available", now)}}},
		Initiatives: []roadmapv1.Initiative{
			{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "kafka"},
				Spec: roadmapv1.InitiativeSpec{Title: "Kafka", Track: roadmapv1.TrackOperations, Owner: "team-data",
					Provides: []roadmapv1.ResourceName{"event-bus"}, TargetDate: "2027-03-31", State: roadmapv1.StateActive,
					Goals: []roadmapv1.ResourceName{"growth"}},
				Status: roadmapv1.InitiativeStatus{Phase: roadmapv1.PhaseReady, Conditions: ready(metav1.ConditionTrue, "Ready", "", now.Add(-time.Hour))}},
			{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "recs"},
				Spec: roadmapv1.InitiativeSpec{Title: xss, Track: roadmapv1.TrackInnovation, Owner: "team-shop",
					Requires: []roadmapv1.ResourceName{"event-bus"}, TargetDate: "2027-02-28", Goals: []roadmapv1.ResourceName{"recs"}},
				Status: roadmapv1.InitiativeStatus{Phase: roadmapv1.PhaseBlocked, Summary: "waiting for event-bus",
					BlockedBy: []roadmapv1.BlockedByEntry{{Kind: "Capability", Name: "event-bus", Reason: "CapabilityNotReady"}},
					Conditions: append(ready(metav1.ConditionFalse, "CapabilityNotReady", "event-bus is Planned", now.Add(-2*time.Hour)),
						metav1.Condition{Type: roadmapv1.ConditionScheduleConflict, Status: metav1.ConditionTrue, Reason: roadmapv1.ScheduleReasonProviderLate,
							Message: "capability event-bus arrives 2027-03-31 (ops/kafka), after this initiative's target 2027-02-28"})}},
			{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "upgrade"},
				Spec: roadmapv1.InitiativeSpec{Title: "Upgrade", Track: roadmapv1.TrackOperations, Owner: "team-data",
					TargetDate: "2026-10-31", State: roadmapv1.StateDone},
				Status: roadmapv1.InitiativeStatus{Phase: roadmapv1.PhaseDone}},
			{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "late"},
				Spec: roadmapv1.InitiativeSpec{Title: "Late", Track: roadmapv1.TrackOperations, Owner: "team-data",
					TargetDate: "2026-12-31", State: roadmapv1.StateActive},
				Status: roadmapv1.InitiativeStatus{Phase: roadmapv1.PhaseReady}},
			{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "dropped"},
				Spec: roadmapv1.InitiativeSpec{Title: "Dropped", Track: roadmapv1.TrackInnovation, Owner: "team-shop",
					TargetDate: "2027-06-30", State: roadmapv1.StateCancelled},
				Status: roadmapv1.InitiativeStatus{Phase: roadmapv1.PhaseCancelled}},
		},
	}).Index()
}

func nodeOf(t *testing.T, m *Model, id string) Node {
	t.Helper()
	for _, n := range m.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return Node{}
}

func TestBuildModel(t *testing.T) {
	live := Build(snapshot(), now)
	if n := nodeOf(t, live, "initiative/shop/recs"); !n.HasWhy || n.Why != nil || n.Conditions != nil || live.Complete {
		t.Errorf("the live model marks what has a why chain and leaves the chain and the conditions out: %+v", n)
	}
	m := BuildWithWhy(snapshot(), now)
	if !m.Complete || len(nodeOf(t, m, "initiative/shop/recs").Conditions) != 2 || len(nodeOf(t, m, "goal/recs").Conditions) != 2 {
		t.Errorf("a complete model carries every node's conditions: %+v", m.Nodes)
	}
	if m.Today != "2027-01-15" {
		t.Errorf("today = %s", m.Today)
	}
	recs := nodeOf(t, m, "initiative/shop/recs")
	if recs.Status != "Blocked" || recs.Health != "blocked" || recs.Glyph != "✖" || recs.Track != "Innovation" {
		t.Errorf("blocked initiative = %+v", recs)
	}
	if recs.Why == nil || len(recs.Why.Actions) != 2 || recs.Why.Actions[0].Owner != "team-data" ||
		!strings.Contains(recs.Why.Actions[0].Do, "declare it Available once ops/kafka delivers") {
		t.Errorf("why of the blocked initiative = %+v", recs.Why)
	}
	if kafka := nodeOf(t, m, "initiative/ops/kafka"); kafka.Why != nil || kafka.Health != "ok" {
		t.Errorf("a Ready initiative has no why chain and is ok: %+v", kafka)
	}
	if bus := nodeOf(t, m, "capability/event-bus"); bus.Status != "Planned" || bus.Why == nil || bus.Glyph != "◷" {
		t.Errorf("planned capability = %+v", bus)
	}
	sub := nodeOf(t, m, "goal/recs")
	if sub.Parent != "growth" || sub.AtRisk != "1 blocked" || sub.Status != "AtRisk" || *sub.Progress != 0 {
		t.Errorf("child goal = %+v", sub)
	}
	wantEdges := []Edge{
		{From: "goal/recs", To: "goal/growth", Label: "part of"},
		{From: "initiative/ops/kafka", To: "capability/event-bus", Label: "provides"},
		{From: "initiative/ops/kafka", To: "goal/growth", Label: "serves"},
		{From: "initiative/shop/recs", To: "capability/event-bus", Label: "requires"},
		{From: "initiative/shop/recs", To: "goal/recs", Label: "serves"},
	}
	for _, want := range wantEdges {
		found := false
		for _, e := range m.Edges {
			found = found || e == want
		}
		if !found {
			t.Errorf("missing edge %+v in %+v", want, m.Edges)
		}
	}
	var what []string
	for _, c := range m.Changes {
		what = append(what, c.What+" "+c.Node)
	}
	for _, want := range []string{"became Ready initiative/ops/kafka", "became Blocked initiative/shop/recs",
		"past target date initiative/ops/late"} {
		if !strings.Contains(strings.Join(what, "\n"), want) {
			t.Errorf("changes %q lack %q", what, want)
		}
	}
	if m.Counts["Blocked"] != 1 || m.Counts["Ready"] != 2 || m.Counts["Done"] != 1 || m.Counts["Cancelled"] != 1 {
		t.Errorf("counts = %v", m.Counts)
	}
	if strings.Join(m.Owners, ",") != "team-data,team-shop" || strings.Join(m.Namespaces, ",") != "ops,shop" {
		t.Errorf("owners %v, namespaces %v", m.Owners, m.Namespaces)
	}
}

// The JSON the page reads: field names, and markup in titles escaped so it cannot end a script element when the
// model is embedded in an exported page.
func TestModelJSON(t *testing.T) {
	data, err := json.Marshal(Build(snapshot(), now))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("<img")) || !bytes.Contains(data, []byte(`\u003cimg src=x onerror=alert(1)\u003e`)) {
		t.Errorf("title not escaped in JSON: %s", data)
	}
	var generic map[string]any
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"generated", "today", "nodes", "edges", "graph", "timeline", "changes", "namespaces", "owners", "counts"} {
		if _, ok := generic[key]; !ok {
			t.Errorf("model JSON lacks %q", key)
		}
	}
	node := generic["nodes"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "kind", "name", "status", "health", "glyph"} {
		if _, ok := node[key]; !ok {
			t.Errorf("node JSON lacks %q: %v", key, node)
		}
	}
}

func TestLayoutTimeline(t *testing.T) {
	s := snapshot()
	m := Build(s, now)
	tl := m.Timeline
	bars := map[string]Bar{}
	for _, b := range tl.Bars {
		bars[b.Node] = b
	}
	// The axis: a week before the earliest start to two weeks after the latest target.
	if tl.Start != "2026-10-24" || tl.End != "2027-07-14" {
		t.Errorf("axis %s to %s", tl.Start, tl.End)
	}
	perDay := TimelinePlotWidth / 263 // days from 2026-10-24 to 2027-07-14
	if want := TimelineGutter + 83*perDay; abs(tl.TodayX-want) > 0.01 {
		t.Errorf("today at x=%.2f, want %.2f", tl.TodayX, want)
	}
	// recs waits for kafka (the provider of the capability it requires), so it starts when kafka is due, after its
	// own target: the operator's schedule conflict, drawn as a milestone.
	recs := bars["initiative/shop/recs"]
	if recs.Start != "2027-03-31" || recs.Conflict != "capability event-bus arrives 2027-03-31 (ops/kafka), after this initiative's target 2027-02-28" ||
		!recs.Milestone || recs.W != 0 {
		t.Errorf("conflicting bar = %+v", recs)
	}
	if !bars["initiative/ops/kafka"].Critical || bars["initiative/ops/kafka"].Track != "Operations" {
		t.Errorf("kafka bar = %+v", bars["initiative/ops/kafka"])
	}
	kafka := bars["initiative/ops/kafka"]
	if want := (TimelinePlotWidth / 263) * 75; abs(kafka.W-want) > 0.01 { // today to 2027-03-31
		t.Errorf("kafka bar width %.2f, want %.2f", kafka.W, want)
	}
	if late := bars["initiative/ops/late"]; !late.PastDue {
		t.Errorf("late bar not past due: %+v", late)
	}
	if done := bars["initiative/ops/upgrade"]; done.PastDue || done.Phase != "Done" {
		t.Errorf("Done bar = %+v", done)
	}
	if dropped, ok := bars["initiative/shop/dropped"]; !ok || dropped.Phase != "Cancelled" || !dropped.Milestone {
		t.Errorf("Cancelled bar = %+v (shown: %v)", dropped, ok)
	}
	// Swimlanes by owner, sorted, each as tall as its rows.
	if len(tl.Lanes) != 2 || tl.Lanes[0].Owner != "team-data" || tl.Lanes[1].Owner != "team-shop" {
		t.Fatalf("lanes = %+v", tl.Lanes)
	}
	if tl.Lanes[0].Height != TimelineLaneHead+3*TimelineRow || tl.Lanes[1].Y != tl.Lanes[0].Y+tl.Lanes[0].Height {
		t.Errorf("lanes = %+v", tl.Lanes)
	}
	for _, b := range tl.Bars {
		lane := tl.Lanes[0]
		if strings.HasPrefix(b.Node, "initiative/shop/") {
			lane = tl.Lanes[1]
		}
		if b.Y < lane.Y+TimelineLaneHead || b.Y+TimelineRow > lane.Y+lane.Height {
			t.Errorf("bar %s at y=%.0f outside its lane %+v", b.Node, b.Y, lane)
		}
	}
	if len(tl.Ticks) == 0 || tl.Ticks[0].Label != "2026-11" {
		t.Errorf("ticks = %+v", tl.Ticks)
	}
}

func TestLayoutGraph(t *testing.T) {
	m := Build(snapshot(), now)
	x := func(id string) float64 { return m.Graph.Places[id].X }
	// Providers before capabilities before requirers before goals; child goals before parents.
	order := []string{"initiative/ops/kafka", "capability/event-bus", "initiative/shop/recs", "goal/recs", "goal/growth"}
	for i := 1; i < len(order); i++ {
		if !(x(order[i-1]) < x(order[i])) {
			t.Errorf("%s (x=%.0f) not left of %s (x=%.0f)", order[i-1], x(order[i-1]), order[i], x(order[i]))
		}
	}
	seen := map[GraphPos]string{}
	for id, p := range m.Graph.Places {
		if other, ok := seen[p]; ok {
			t.Errorf("%s and %s overlap at %+v", id, other, p)
		}
		seen[p] = id
		if p.X+GraphNodeW > m.Graph.Width || p.Y+GraphNodeH > m.Graph.Height {
			t.Errorf("%s at %+v outside %vx%v", id, p, m.Graph.Width, m.Graph.Height)
		}
	}
	// A cycle does not hang the layout; its nodes are placed after the rest.
	cyc := LayoutGraph([]Node{{ID: "a"}, {ID: "b"}, {ID: "c"}},
		[]Edge{{From: "a", To: "b", Label: "depends on"}, {From: "b", To: "a", Label: "depends on"}, {From: "a", To: "c", Label: "requires"}})
	if len(cyc.Places) != 3 || cyc.Places["a"].X <= cyc.Places["c"].X {
		t.Errorf("cycle layout = %+v", cyc.Places)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestHandler(t *testing.T) {
	s := &Server{model: []byte(`{"nodes":[]}`), subs: map[chan uint64]access.Rights{}}
	h := s.Handler(context.Background(), ServeOptions{AllowedHosts: []string{"roadmap.example.com", "*.corp.example"}})
	do := func(method, target, host string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		r.Host = host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for _, path := range []string{"/", "/app.js", "/app.css", "/api/roadmap"} {
		w := do(http.MethodGet, path, "127.0.0.1:8080")
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, w.Code)
		}
		if w.Header().Get("Content-Security-Policy") != ContentSecurityPolicy || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: headers %v", path, w.Header())
		}
	}
	if w := do(http.MethodGet, "/api/roadmap", "localhost:8080"); w.Body.String() != `{"nodes":[]}` ||
		w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("/api/roadmap = %q %v", w.Body.String(), w.Header())
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		if w := do(m, "/api/roadmap", "127.0.0.1:8080"); w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d, want 405", m, w.Code)
		}
	}
	if w := do(http.MethodGet, "/", "evil.example:8080"); w.Code != http.StatusForbidden {
		t.Errorf("foreign Host: %d, want 403", w.Code)
	}
	if w := do(http.MethodGet, "/", "[::1]:8080"); w.Code != http.StatusOK {
		t.Errorf("[::1]: %d", w.Code)
	}
	if w := do(http.MethodGet, "/nothing", "127.0.0.1:8080"); w.Code != http.StatusNotFound {
		t.Errorf("/nothing: %d", w.Code)
	}
	// The CSP of the page forbids inline script; the page has none and loads nothing from elsewhere.
	page := do(http.MethodGet, "/", "127.0.0.1:8080").Body.String()
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\son[a-z]+=|https?://`).MatchString(page) {
		t.Errorf("page has inline script, handlers or external references:\n%s", page)
	}
}

func TestWhyEndpoint(t *testing.T) {
	s := &Server{snap: snapshot(), model: []byte(`{}`), subs: map[chan uint64]access.Rights{}}
	h := s.Handler(context.Background(), ServeOptions{AllowedHosts: []string{"example.com"}})
	get := func(id string) map[string]any {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/why?id="+id, nil))
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v: %s", id, err, w.Body.String())
		}
		return out
	}
	res := get("initiative%2Fshop%2Frecs")
	actions, _ := res["actions"].([]any)
	if len(actions) != 2 || actions[0].(map[string]any)["owner"] != "team-data" {
		t.Errorf("why of the blocked initiative = %v", res)
	}
	if res := get("capability%2Fevent-bus"); res["target"] == nil {
		t.Errorf("why of the capability = %v", res)
	}
	for _, id := range []string{"goal%2Fgrowth", "initiative%2Fnope%2Fnope", "nonsense"} {
		if res := get(id); res != nil {
			t.Errorf("why of %s = %v, want null", id, res)
		}
	}
}

func TestDetailEndpoint(t *testing.T) {
	s := &Server{snap: snapshot(), model: []byte(`{}`), subs: map[chan uint64]access.Rights{}}
	h := s.Handler(context.Background(), ServeOptions{AllowedHosts: []string{"example.com"}})
	get := func(id string) Detail {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/detail?id="+url.QueryEscape(id), nil))
		var out Detail
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v: %s", id, err, w.Body.String())
		}
		return out
	}
	for _, tc := range []struct {
		id         string
		conditions int
		why        bool
	}{
		{id: "initiative/shop/recs", conditions: 2, why: true},
		{id: "initiative/ops/kafka", conditions: 1},
		{id: "capability/event-bus", conditions: 1, why: true},
		{id: "goal/recs", conditions: 2},
		{id: "initiative/nope/nope"},
		{id: "goal/nope"},
		{id: "nonsense"},
	} {
		d := get(tc.id)
		if len(d.Conditions) != tc.conditions || (d.Why != nil) != tc.why {
			t.Errorf("detail of %s = %d conditions, why %v; want %d conditions, why %v", tc.id, len(d.Conditions), d.Why != nil,
				tc.conditions, tc.why)
		}
	}
	if d := get("initiative/shop/recs"); d.Conditions[0].Reason != "CapabilityNotReady" || len(d.Why.Actions) != 2 {
		t.Errorf("detail of the blocked initiative = %+v", d)
	}
}

func TestEventsStreamChanges(t *testing.T) {
	s := &Server{subs: map[chan uint64]access.Rights{}}
	s.publish(snapshot(), []byte(`{"v":1}`))
	srv := httptest.NewServer(s.Handler(context.Background(), ServeOptions{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	read := func(want string) {
		t.Helper()
		var got bytes.Buffer
		buf := make([]byte, 256)
		for !strings.Contains(got.String(), want) {
			n, err := resp.Body.Read(buf)
			if err != nil {
				t.Fatalf("reading the stream: %v (got %q, want %q)", err, got.String(), want)
			}
			got.Write(buf[:n])
		}
	}
	model := func(wantVersion, wantBody string) {
		t.Helper()
		r, err := http.Get(srv.URL + "/api/roadmap")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = r.Body.Close() }()
		body, _ := io.ReadAll(r.Body)
		if v := r.Header.Get(VersionHeader); v != wantVersion || string(body) != wantBody {
			t.Errorf("model = version %q %s, want version %s %s", v, body, wantVersion, wantBody)
		}
	}
	// The stream announces the current version at once, and the model of that version is served.
	read("event: roadmap\ndata: {\"version\":1}\n\n")
	model("1", `{"v":1}`)
	// A new model is announced on the open stream.
	s.publish(snapshot(), []byte(`{"v":2}`))
	read("event: roadmap\ndata: {\"version\":2}\n\n")
	model("2", `{"v":2}`)
}

func TestExportHTMLIsSelfContained(t *testing.T) {
	var out bytes.Buffer
	if err := ExportHTML(&out, BuildWithWhy(snapshot(), now)); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	if strings.Contains(page, `src="app.js"`) || strings.Contains(page, `href="app.css"`) || strings.Contains(page, "<!--board:") {
		t.Error("the export still refers to the server's assets")
	}
	if strings.Contains(page, xss) {
		t.Error("the markup title reached the page unescaped")
	}
	if !strings.Contains(page, `script-src '`+hash(string(appJS))+`'`) || !strings.Contains(page, "<script>"+string(appJS)+"</script>") {
		t.Error("the CSP does not allow exactly the inlined script")
	}
	if regexp.MustCompile(`(src|href)="https?://`).MatchString(page) {
		t.Error("the export loads something from the network")
	}
}

func TestExportSVG(t *testing.T) {
	var out bytes.Buffer
	if err := ExportSVG(&out, Build(snapshot(), now)); err != nil {
		t.Fatal(err)
	}
	svg := out.String()
	if strings.Contains(svg, "<img") || !strings.Contains(svg, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("title not escaped in SVG:\n%s", svg)
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(svg, "today 2027-01-15") {
		t.Errorf("not a timeline SVG:\n%s", svg)
	}
	if strings.Count(svg, "<g>") != 5 {
		t.Errorf("want 5 bars (Cancelled included), got %d", strings.Count(svg, "<g>"))
	}
}
