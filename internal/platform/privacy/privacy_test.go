package privacy

import "testing"

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{"13812345678": "138****5678", " 0571-8888 ": "057****8888", "12345": "*****", "": ""} {
		if got := Phone(in); got != want {
			t.Errorf("Phone(%q) = %q, want %q", in, got, want)
		}
	}
	if got := IDNumber("33010219900101123X"); got != "330102**********3X" {
		t.Errorf("IDNumber = %q", got)
	}
}
