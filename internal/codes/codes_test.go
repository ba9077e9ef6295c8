package codes

import "testing"

func TestAreas(t *testing.T) {
	for code, want := range map[string]string{"610603": "安塞区", "610624": "安塞县", "141081": "侯马市", "110105": "朝阳区"} {
		if got, ok := AreaName(code); !ok || got != want {
			t.Errorf("AreaName(%s) = %q, %v", code, got, ok)
		}
	}
	if AreaCurrent("610624") || !AreaCurrent("610603") {
		t.Error("安塞县 was replaced by 安塞区 in 2016")
	}
	if !ValidArea("610699") { // unknown county under a known prefecture
		t.Error("ValidArea should accept counties under a known prefecture")
	}
	for _, bad := range []string{"990101", "6106", "61060a", "610600x", "000000"} {
		if ValidArea(bad) {
			t.Errorf("ValidArea(%q) = true", bad)
		}
	}
	cs := CountiesOf("1503")
	if len(cs) != 3 || cs[0].Code != "150302" {
		t.Errorf("CountiesOf(1503) = %v, want the three districts of 乌海", cs)
	}
}

func TestCodeLists(t *testing.T) {
	if len(Ethnicities()) != 58 {
		t.Errorf("%d ethnicities", len(Ethnicities()))
	}
	if c, ok := EthnicityByName("回"); !ok || c != "03" {
		t.Errorf("EthnicityByName(回) = %q", c)
	}
	if n, _ := EthnicityName("56"); n != "基诺族" {
		t.Errorf("56 = %q", n)
	}
	if n, _ := RelationName("02"); n != "户主" {
		t.Errorf("02 = %q", n)
	}
	if c, ok := RelationByName("妻"); !ok || c != "12" {
		t.Errorf("妻 = %q", c)
	}
}
