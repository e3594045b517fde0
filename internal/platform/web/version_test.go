package web

import "testing"

// Only a release version is shown to people; development builds and Go pseudo-versions
// are not.
func TestReleaseVersion(t *testing.T) {
	for v, want := range map[string]string{
		"v1.4.0": "1.4.0", "1.4.0": "1.4.0", "v2.0.1-rc.1": "2.0.1-rc.1",
		"dev": "", "dev-0123456789ab": "", "test": "", "": "", "v0.0.0-20261203081500-0123456789ab": "",
	} {
		if got := (&Site{Version: v}).ReleaseVersion(); got != want {
			t.Errorf("ReleaseVersion(%q) = %q, want %q", v, got, want)
		}
	}
}
