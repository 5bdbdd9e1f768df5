package plugin

import "testing"

// TestWhyNamesTheNamespaces: `kubectl roadmap why NAME` without -n looks in the kubeconfig's namespace; when the
// initiative is elsewhere, the error says where instead of only "not found".
func TestWhyNamesTheNamespaces(t *testing.T) {
	s := fixture()
	_, err := Why(s, Ref{Kind: "Initiative", Namespace: "default", Name: "recs"})
	want := "initiative default/recs not found; initiative recs exists in namespace team-personalisation: " +
		"say -n team-personalisation, or team-personalisation/recs"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := Why(s, Ref{Kind: "Initiative", Namespace: "default", Name: "nope"}); err == nil ||
		err.Error() != "initiative default/nope not found" {
		t.Errorf("error = %v", err)
	}
}
