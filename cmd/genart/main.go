// Command genart draws the shop's illustrations: one SVG per demo product
// (static/img/products/<slug>.svg), one per producer group
// (static/img/groups/<slug>.svg) and one icon per craft
// (static/img/crafts/<craft>.svg). It reads the products and groups from
// package models/demo, so pictures and catalog never drift apart.
//
// Run it from the repository root:
//
//	go run ./cmd/genart          # write the files
//	go run ./cmd/genart -check   # fail if a file is missing or out of date
//
// Every file is a standalone SVG the site's Content-Security-Policy
// accepts: presentation attributes only (no style attribute or element),
// no script, no external reference, no text but the <title>, under 8 KB.
// Colours come from a palette derived from a hash of the slug, so each
// picture is distinct and the output is the same on every run.
package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/demo"
)

const maxSize = 8 << 10

func main() {
	out := flag.String("out", filepath.Join("static", "img"), "folder to write into (static/img of the repository)")
	check := flag.Bool("check", false, "only check that the files on disk are up to date")
	flag.Parse()
	if err := run(*out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "genart:", err)
		os.Exit(1)
	}
}

func run(out string, check bool) error {
	if st, err := os.Stat(out); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a folder: run genart from the repository root or pass -out", out)
	}
	files := map[string][]byte{} // path under out → content
	for _, c := range models.Crafts {
		files["crafts/"+string(c)+".svg"] = craftIcon(c)
	}
	for _, g := range demo.Groups() {
		files[strings.TrimPrefix(g.Photo(), "img/")] = groupCard(g)
	}
	for _, p := range demo.Products() {
		files[strings.TrimPrefix(p.Image(), "img/")] = productArt(p)
	}
	var problems []string
	seen := map[string]string{}
	for _, name := range sortedKeys(files) {
		if err := verify(files[name]); err != nil {
			problems = append(problems, name+": "+err.Error())
		}
		if prev, dup := seen[string(files[name])]; dup {
			problems = append(problems, name+": identical to "+prev)
		}
		seen[string(files[name])] = name
	}
	if len(problems) > 0 {
		return errors.New("generated pictures break the rules:\n  " + strings.Join(problems, "\n  "))
	}

	var stale, changed []string
	for _, dir := range []string{"crafts", "groups", "products"} {
		entries, err := os.ReadDir(filepath.Join(out, dir))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			name := dir + "/" + e.Name()
			if _, ok := files[name]; !ok && strings.HasSuffix(name, ".svg") {
				stale = append(stale, name)
			}
		}
	}
	for _, name := range sortedKeys(files) {
		old, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || !bytes.Equal(old, files[name]) {
			changed = append(changed, name)
		}
	}
	if check {
		if len(stale)+len(changed) > 0 {
			return fmt.Errorf("out of date (run go run ./cmd/genart): %s", strings.Join(append(changed, stale...), ", "))
		}
		fmt.Printf("genart: %d pictures up to date\n", len(files))
		return nil
	}
	for _, name := range changed {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	for _, name := range stale {
		if err := os.Remove(filepath.Join(out, name)); err != nil {
			return err
		}
	}
	fmt.Printf("genart: %d pictures, %d written, %d stale removed\n", len(files), len(changed), len(stale))
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// verify checks one picture against the rules in the package comment.
func verify(b []byte) error {
	if len(b) >= maxSize {
		return fmt.Errorf("%d bytes, want < %d", len(b), maxSize)
	}
	lower := strings.ToLower(string(b))
	for _, bad := range []string{"style", "<script", "href", "<image", "<text", "<foreignobject"} {
		if strings.Contains(lower, bad) {
			return fmt.Errorf("contains %q", bad)
		}
	}
	if strings.Count(lower, "http") != 1 {
		return errors.New("refers to something outside the file")
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not well-formed: %w", err)
		}
	}
}

// ---------------------------------------------------------------- SVG

type svg struct{ b strings.Builder }

func newSVG(w, h int, title string) *svg {
	s := &svg{}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img"><title>%s</title>`,
		w, h, w, h, escape(title))
	return s
}

func (s *svg) bytes() []byte { return []byte(s.b.String() + "</svg>\n") }

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(v string) string { return escaper.Replace(v) }

func (s *svg) attrs(kv []any) {
	for i := 0; i+1 < len(kv); i += 2 {
		s.b.WriteString(" " + kv[i].(string) + `="`)
		switch v := kv[i+1].(type) {
		case string:
			s.b.WriteString(escape(v))
		case int:
			s.b.WriteString(strconv.Itoa(v))
		case float64:
			s.b.WriteString(num(v))
		default:
			panic(fmt.Sprintf("attribute %v: unsupported value %T", kv[i], v))
		}
		s.b.WriteByte('"')
	}
}

func (s *svg) el(name string, kv ...any) {
	s.b.WriteString("<" + name)
	s.attrs(kv)
	s.b.WriteString("/>")
}

func (s *svg) open(name string, kv ...any) {
	s.b.WriteString("<" + name)
	s.attrs(kv)
	s.b.WriteString(">")
}

func (s *svg) end(name string) { s.b.WriteString("</" + name + ">") }

func (s *svg) rect(x, y, w, h float64, fill string, kv ...any) {
	s.el("rect", append([]any{"x", x, "y", y, "width", w, "height", h, "fill", fill}, kv...)...)
}

func (s *svg) circle(cx, cy, r float64, fill string, kv ...any) {
	s.el("circle", append([]any{"cx", cx, "cy", cy, "r", r, "fill", fill}, kv...)...)
}

func (s *svg) ellipse(cx, cy, rx, ry float64, fill string, kv ...any) {
	s.el("ellipse", append([]any{"cx", cx, "cy", cy, "rx", rx, "ry", ry, "fill", fill}, kv...)...)
}

func (s *svg) path(d, fill string, kv ...any) {
	s.el("path", append([]any{"d", d, "fill", fill}, kv...)...)
}

// line draws an open path with a stroke and no fill.
func (s *svg) line(d, stroke string, width float64, kv ...any) {
	s.path(d, "none", append([]any{"stroke", stroke, "stroke-width", width, "stroke-linecap", "round"}, kv...)...)
}

// place opens a group that draws content authored around (ox, oy) at
// (tx, ty), scaled by k and mirrored left to right when flip is set.
func (s *svg) place(tx, ty, k, ox, oy float64, flip bool) {
	kx := k
	if flip {
		kx = -k
	}
	s.open("g", "transform", fmt.Sprintf("translate(%s %s) scale(%s %s) translate(%s %s)",
		num(tx), num(ty), num(kx), num(k), num(-ox), num(-oy)))
}

// circ is a full circle as a path fragment, so many dots share one element.
func circ(cx, cy, r float64) string {
	return pf("M%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 %s 0", cx-r, cy, r, r, 2*r, r, r, -2*r)
}

// dot adds a dot at (x, y) to a path drawn by dots.
func dot(b *strings.Builder, x, y float64) { b.WriteString(pf("M%s %sh0", x, y)) }

// dots draws the dots of d (built with dot) with radius r: zero-length
// strokes with round caps, much smaller than one circle each.
func (s *svg) dots(d string, r float64, colour string) {
	s.path(d, "none", "stroke", colour, "stroke-width", 2*r, "stroke-linecap", "round")
}

func num(f float64) string {
	r := math.Round(f*10) / 10
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// pf formats a path: each %s takes the next number.
func pf(format string, xs ...float64) string {
	args := make([]any, len(xs))
	for i, x := range xs {
		args[i] = num(x)
	}
	return fmt.Sprintf(format, args...)
}

// -------------------------------------------------------------- colour

// The shop's warm Andean colours.
const (
	cochineal = "#9b2335"
	indigo    = "#2d4f8b"
	saffron   = "#e0a526"
	earth     = "#7a4a27"
	green     = "#3d7a3a"
	magenta   = "#b5306f"
	achiote   = "#d8641e"
	lake      = "#1f7a78"
	cream     = "#f6efe0"
	ink       = "#3a2416"
	skin      = "#d9a877"
	wood      = "#6b4226"
)

var strongColours = []string{cochineal, indigo, saffron, earth, green, magenta, achiote, lake}

var lightColours = []string{"#f6eedd", "#f3e6cf", "#f1e4d3", "#eef0e2", "#f6e7e1", "#e8eef3", "#f4ecd0", "#efe9f2"}

type palette struct {
	bg, ground string
	a, b, c, d string // four distinct strong colours
}

func newPalette(key string, r *rng) palette {
	cs := append([]string(nil), strongColours...)
	for i := len(cs) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		cs[i], cs[j] = cs[j], cs[i]
	}
	bg := lightColours[r.intn(len(lightColours))]
	return palette{bg: bg, ground: mix(bg, earth, 0.16), a: cs[0], b: cs[1], c: cs[2], d: cs[3]}
}

func rgb(hex string) (r, g, b float64) {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return float64(v >> 16 & 255), float64(v >> 8 & 255), float64(v & 255)
}

// mix blends colour a towards b by t (0..1).
func mix(a, b string, t float64) string {
	ar, ag, ab := rgb(a)
	br, bg, bb := rgb(b)
	c := func(x, y float64) int { return int(math.Round(x + (y-x)*t)) }
	return fmt.Sprintf("#%02x%02x%02x", c(ar, br), c(ag, bg), c(ab, bb))
}

// rng is splitmix64: small, fast and the same everywhere.
type rng struct{ s uint64 }

func newRng(key string) *rng {
	h := fnv.New64a()
	h.Write([]byte(key))
	return &rng{s: h.Sum64()}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) between(a, b float64) float64 {
	return a + (b-a)*float64(r.next()>>11)/float64(1<<53)
}

// ------------------------------------------------------------ products

func productArt(p demo.ProductSpec) []byte {
	r := newRng(p.Slug)
	pal := newPalette(p.Slug, r)
	s := newSVG(400, 300, p.NameES)
	background(s, pal, r)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(p.Slug, w) {
				return true
			}
		}
		return false
	}
	switch p.Craft {
	case models.CraftRetablo:
		retablo(s, pal, r, false)
	case models.CraftTapestry:
		switch {
		case has("cojin"):
			cushion(s, pal, r)
		case has("camino-mesa"):
			runner(s, pal, r)
		default:
			tapestry(s, pal, r)
		}
	case models.CraftCeramics:
		shadow(s, 200, 246, 105)
		switch {
		case has("casita"):
			casita(s, pal, r)
		case has("cruz"):
			roofCross(s, pal, r)
		case has("musicos"):
			musicians(s, pal, r)
		case has("vendedora"):
			marketWoman(s, pal, r)
		case has("jarra"):
			jug(s, pal, r)
		default:
			s.place(200, 244, 1, 0, 0, false)
			church(s, pal, r, clay, clayLine)
			s.end("g")
		}
	case models.CraftStoneCarving:
		niche(s, pal)
		switch {
		case has("llama"):
			s.rect(100, 228, 200, 16, stoneW, "stroke", stoneL, "stroke-width", 2, "rx", 3)
			llama(s, 154, 228, 0.72, stoneW, stoneL, false)
			llama(s, 248, 228, 1.02, stoneW, stoneL, false)
		case has("ajedrez"):
			chess(s, pal)
		default:
			virgin(s, 200, 244, 1)
		}
	case models.CraftGourd:
		switch {
		case has("lampara"):
			lamp(s, pal, r)
		case has("trio"):
			ornaments(s, pal, r, 3)
		case has("adorno"):
			ornaments(s, pal, r, 1)
		default:
			shadow(s, 200, 250, 85)
			gourd(s, pal, r, 200, 160, 92, 86, has("joyero", "azucarera"))
		}
	case models.CraftKnitwear:
		switch {
		case has("chompa"):
			sweater(s, pal, r)
		case has("poncho"):
			poncho(s, pal, r)
		case has("chalina"):
			scarf(s, pal, r)
		case has("mitones"):
			mittens(s, pal, r)
		case has("medias"):
			socks(s, pal, r)
		default:
			chullo(s, pal, r)
		}
	case models.CraftPucaraBull:
		switch {
		case has("par-"):
			shadow(s, 200, 250, 150)
			s.rect(194, 120, 12, 112, clay, "stroke", ink, "stroke-width", 2)
			s.rect(174, 142, 52, 11, clay, "stroke", ink, "stroke-width", 2)
			s.rect(160, 228, 80, 16, clay, "stroke", ink, "stroke-width", 2)
			s.place(300, 190, 0.55, 200, 165, false)
			bull(s, pal, r, "#b5532f", false)
			s.end("g")
			s.place(100, 190, 0.55, 200, 165, true)
			bull(s, pal, r, "#c98a3a", false)
			s.end("g")
		default:
			body := []string{"#b5532f", "#c98a3a", "#9c4a2c"}[r.intn(3)]
			if has("negro") {
				body = "#2a2320"
			}
			shadow(s, 210, 244, 110)
			bull(s, pal, r, body, has("alcancia"))
		}
	case models.CraftJewellery:
		velvet(s, pal, r)
		switch {
		case has("broche"):
			butterfly(s, pal, r)
		case has("collar"):
			necklace(s, pal, r)
		case has("pulsera"):
			bracelet(s, pal, r)
		case has("anillo"):
			ring(s, pal, r)
		default:
			earrings(s, pal, r)
		}
	case models.CraftNativity:
		switch {
		case has("retablo"):
			retablo(s, pal, r, true)
		case has("piedra"):
			niche(s, pal)
			s.rect(110, 226, 180, 18, stoneW, "stroke", stoneL, "stroke-width", 2, "rx", 3)
			s.place(200, 226, 1.05, 0, 0, false)
			nativity(s, pal, "stone")
			s.end("g")
			star(s, 200, 82, 14, stoneW, stoneL)
		case has("mate"):
			gourdNativity(s, pal, r)
		default:
			archNativity(s, pal, r, has("ceramica"), has("llamas"))
		}
	case models.CraftWeaving:
		switch {
		case has("bolso"):
			bag(s, pal, r)
		case has("manta-", "lliclla"):
			blanket(s, pal, r)
		case has("chalina"):
			scarf(s, pal, r)
		default:
			belts(s, pal, r, has("cinta", "angosto"))
		}
	}
	return s.bytes()
}

func background(s *svg, pal palette, r *rng) {
	s.rect(0, 0, 400, 300, pal.bg)
	s.circle(200+r.between(-50, 50), 130, 122, mix(pal.bg, pal.a, 0.12))
	s.rect(0, 250, 400, 50, pal.ground)
	// A woven border of stepped triangles.
	var even, odd strings.Builder
	for i := 0; i < 20; i++ {
		b := &even
		if i%2 == 1 {
			b = &odd
		}
		b.WriteString(pf("M%s 300l10 -10l10 10z", float64(i*20)))
	}
	s.path(even.String(), pal.a)
	s.path(odd.String(), pal.c)
}

func shadow(s *svg, cx, cy, rx float64) {
	s.ellipse(cx, cy, rx, 8, "#000", "fill-opacity", ".13")
}

func flower(s *svg, cx, cy, r float64, petal, centre string) {
	var b strings.Builder
	for k := 0; k < 5; k++ {
		a := float64(k)*2*math.Pi/5 - math.Pi/2
		dot(&b, cx+math.Cos(a)*r*0.72, cy+math.Sin(a)*r*0.72)
	}
	s.dots(b.String(), r*0.48, petal)
	s.circle(cx, cy, r*0.38, centre, "stroke", "none")
}

func star(s *svg, cx, cy, r float64, fill, stroke string) {
	var b strings.Builder
	for k := 0; k < 10; k++ {
		a := float64(k)*math.Pi/5 - math.Pi/2
		rr := r
		if k%2 == 1 {
			rr = r * 0.45
		}
		cmd := "L"
		if k == 0 {
			cmd = "M"
		}
		b.WriteString(cmd + pf("%s %s", cx+math.Cos(a)*rr, cy+math.Sin(a)*rr))
	}
	s.path(b.String()+"Z", fill, "stroke", stroke, "stroke-width", 1.5, "stroke-linejoin", "round")
}

// figure is a small person as modelled in retablos and Quinua ceramics.
func figure(s *svg, x, base, h float64, robe, sash, face, hat string) {
	w := h * 0.56
	s.path(pf("M%s %sL%s %sQ%s %s %s %sL%s %sZ", x-w/2, base, x-w*0.3, base-h*0.62, x, base-h*0.8,
		x+w*0.3, base-h*0.62, x+w/2, base), robe, "stroke", ink, "stroke-width", 1)
	s.line(pf("M%s %sH%s", x-w*0.38, base-h*0.32, x+w*0.38), sash, h*0.06)
	s.circle(x, base-h*0.77, h*0.13, face, "stroke", ink, "stroke-width", 0.8)
	if hat != "" {
		s.ellipse(x, base-h*0.86, h*0.21, h*0.045, hat)
		s.rect(x-h*0.1, base-h*0.99, h*0.2, h*0.13, hat, "rx", h*0.03)
	}
}

// --------------------------------------------------------------- retablo

func retablo(s *svg, pal palette, r *rng, nativityScene bool) {
	shadow(s, 200, 254, 110)
	body := pal.a
	s.line("M200 18v22M191 27h18", ink, 3)
	s.path("M128 90L200 40L272 90Z", body, "stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round")
	flower(s, 200, 70, 8, pal.c, cream)
	// The two doors, open, painted with a vine and flowers.
	s.path("M140 86L98 100V234L140 248Z", pal.b, "stroke", ink, "stroke-width", 2, "stroke-linejoin", "round")
	s.path("M260 86L302 100V234L260 248Z", pal.b, "stroke", ink, "stroke-width", 2, "stroke-linejoin", "round")
	s.line("M119 108Q110 165 119 226M281 108Q290 165 281 226", cream, 1.5)
	for _, y := range []float64{132, 196} {
		flower(s, 119, y, 8, pal.c, cream)
		flower(s, 281, y, 8, pal.d, cream)
	}
	s.rect(140, 86, 120, 162, body, "stroke", ink, "stroke-width", 2.5)
	inside := mix(cream, pal.b, 0.12)
	s.rect(150, 96, 100, 142, inside, "stroke", ink, "stroke-width", 1)
	robes := []string{pal.b, pal.c, pal.d, cochineal, indigo}
	hats := []string{ink, wood, cream, ""}
	if nativityScene {
		star(s, 200, 108, 8, saffron, ink)
		s.place(200, 160, 0.4, 0, 0, false)
		nativity(s, pal, "paint")
		s.end("g")
		figure(s, 172, 238, 46, robes[r.intn(5)], pal.c, skin, ink)
		llama(s, 224, 238, 0.42, cream, ink, false)
	} else {
		s.path("M150 160L172 128L190 146L212 116L236 144L250 132V160Z", mix(inside, green, 0.45))
		n := 2 + r.intn(2)
		for i := 0; i < n; i++ {
			x := 150 + float64(i+1)*100/float64(n+1)
			figure(s, x, 160, 40, robes[(i+1)%5], pal.c, skin, hats[r.intn(4)])
		}
		m := 3 + r.intn(2)
		for i := 0; i < m; i++ {
			x := 150 + float64(i+1)*100/float64(m+1)
			figure(s, x, 238, 46, robes[(i+r.intn(2))%5], pal.d, skin, hats[r.intn(4)])
		}
	}
	s.rect(144, 160, 112, 7, body, "stroke", ink, "stroke-width", 1.5)
	s.rect(132, 246, 136, 10, mix(body, ink, 0.35), "rx", 2)
}

// ------------------------------------------------------------- tapestry

func stepDiamond(cx, cy, radius, step float64) string {
	n := int(radius / step)
	st := num(step)
	var b strings.Builder
	b.WriteString(pf("M%s %s", cx, cy-radius))
	for _, q := range [][2]string{{"h" + st, "v" + st}, {"v" + st, "h-" + st}, {"h-" + st, "v-" + st}, {"v-" + st, "h" + st}} {
		for i := 0; i < n; i++ {
			b.WriteString(q[0] + q[1])
		}
	}
	return b.String() + "z"
}

func chakana(cx, cy, u float64) string {
	pts := [][2]float64{{-1, -3}, {1, -3}, {1, -2}, {2, -2}, {2, -1}, {3, -1}, {3, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 3},
		{-1, 3}, {-1, 2}, {-2, 2}, {-2, 1}, {-3, 1}, {-3, -1}, {-2, -1}, {-2, -2}, {-1, -2}}
	var b strings.Builder
	for i, p := range pts {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		b.WriteString(cmd + pf("%s %s", cx+p[0]*u, cy+p[1]*u))
	}
	return b.String() + "Z"
}

func zigzag(s *svg, x0, x1, y, amp, step float64, colour string, width float64) {
	var b strings.Builder
	b.WriteString(pf("M%s %s", x0, y+amp))
	up := true
	for x := x0 + step/2; x <= x1+0.01; x += step / 2 {
		dy := amp
		if up {
			dy = -amp
		}
		b.WriteString(pf("L%s %s", x, y+dy))
		up = !up
	}
	s.line(b.String(), colour, width, "stroke-linejoin", "round")
}

func nestedDiamonds(s *svg, cx, cy, radius, step float64, colours []string) {
	for i, c := range colours {
		rr := radius - float64(i)*2*step
		if rr < step {
			break
		}
		s.path(stepDiamond(cx, cy, rr, step), c)
	}
}

func tapestry(s *svg, pal palette, r *rng) {
	border, field := pal.b, pal.a
	shadow(s, 200, 258, 120)
	s.rect(54, 40, 292, 9, wood, "rx", 4.5)
	s.circle(52, 44.5, 7, ink)
	s.circle(348, 44.5, 7, ink)
	for i := 0; i < 7; i++ {
		s.rect(78+float64(i)*38, 44, 10, 12, border)
	}
	s.rect(70, 52, 260, 180, border, "stroke", ink, "stroke-width", 1.5)
	s.rect(82, 64, 236, 156, field)
	zigzag(s, 88, 312, 76, 5, 12, cream, 3)
	zigzag(s, 88, 312, 208, 5, 12, cream, 3)
	switch r.intn(3) {
	case 0:
		nestedDiamonds(s, 200, 142, 56, 8, []string{pal.c, cream, pal.d, pal.c})
	case 1:
		for _, x := range []float64{128, 200, 272} {
			nestedDiamonds(s, x, 142, 32, 8, []string{pal.c, cream, pal.d})
		}
	default:
		s.path(chakana(200, 142, 18), pal.c)
		s.circle(200, 142, 11, field)
		for _, x := range []float64{116, 284} {
			nestedDiamonds(s, x, 142, 24, 6, []string{cream, pal.d})
		}
	}
	var fr strings.Builder
	for x := 74.0; x <= 326; x += 6 {
		fr.WriteString(pf("M%s 233v15", x))
	}
	s.line(fr.String(), border, 2.2)
}

func cushion(s *svg, pal palette, r *rng) {
	shadow(s, 200, 246, 105)
	pillow := "M108 66Q200 54 292 66Q304 150 292 234Q200 246 108 234Q96 150 108 66Z"
	s.path(pillow, pal.a, "stroke", ink, "stroke-width", 2)
	s.path("M124 82Q200 72 276 82Q286 150 276 218Q200 228 124 218Q114 150 124 82Z", "none", "stroke", pal.b, "stroke-width", 7)
	s.path(chakana(200, 150, 17), pal.c)
	s.path(chakana(200, 150, 9), cream)
	s.circle(200, 150, 6, pal.d)
	for _, p := range [][2]float64{{146, 108}, {254, 108}, {146, 192}, {254, 192}} {
		nestedDiamonds(s, p[0], p[1], 14, 4.7, []string{cream, pal.d})
	}
	for _, p := range [][2]float64{{108, 66}, {292, 66}, {108, 234}, {292, 234}} {
		s.circle(p[0], p[1], 7+float64(r.intn(2)), pal.d, "stroke", ink, "stroke-width", 1)
	}
}

func runner(s *svg, pal palette, r *rng) {
	// A table seen from the front, and the runner across it.
	s.rect(62, 232, 12, 40, wood)
	s.rect(326, 232, 12, 40, wood)
	s.path("M30 224L80 96H320L370 224Z", mix(wood, cream, 0.45), "stroke", ink, "stroke-width", 1.5)
	s.rect(30, 224, 340, 12, wood, "stroke", ink, "stroke-width", 1.5)
	s.open("g", "transform", "rotate(-5 200 150)")
	s.rect(40, 112, 320, 76, pal.a, "stroke", ink, "stroke-width", 1.5)
	s.rect(40, 120, 320, 6, pal.b)
	s.rect(40, 174, 320, 6, pal.b)
	for x := 72.0; x <= 330; x += 43 {
		nestedDiamonds(s, x, 150, 18, 6, []string{pal.c, cream})
	}
	var fr strings.Builder
	for y := 114.0; y <= 186; y += 6 {
		fr.WriteString(pf("M40 %sh-14M360 %sh14", y, y))
	}
	s.line(fr.String(), pal.a, 2)
	s.end("g")
}

// ------------------------------------------------------------ ceramics

const (
	clay     = "#efe2c6"
	clayLine = "#a4442a"
	tile     = "#b5532f"
)

// church is a Quinua church authored around its base centre (0, 0).
func church(s *svg, pal palette, r *rng, body, line string) {
	dome := []string{body, pal.b, pal.c}[r.intn(3)]
	s.open("g", "stroke", ink, "stroke-width", 2, "stroke-linejoin", "round")
	s.rect(-86, -16, 172, 16, body)
	var openings, dots, stripes, crosses strings.Builder
	for _, tx := range []float64{-62, 62} {
		s.rect(tx-22, -140, 44, 124, body)
		s.rect(tx-20, -168, 40, 28, body)
		s.path(pf("M%s -168A22 22 0 0 1 %s -168Z", tx-22, tx+22), dome)
		openings.WriteString(pf("M%s -142V-154A9 9 0 0 1 %s -154V-142Z", tx-9, tx+9))
		crosses.WriteString(pf("M%s -190v-12M%s -196h10", tx, tx-5))
		stripes.WriteString(pf("M%s -100h44M%s -60h44", tx-22, tx-22))
		for i := 0; i < 3; i++ {
			dot(&dots, tx-12+float64(i)*12, -80)
		}
	}
	s.rect(-40, -116, 80, 100, body)
	s.path("M-46 -114L0 -152L46 -114Z", body)
	s.path(openings.String(), ink)
	s.path("M-13 -16V-46A13 13 0 0 1 13 -46V-16Z", pal.a)
	s.circle(0, -82, 9, pal.b)
	s.end("g")
	s.dots("M-62 -150h0M62 -150h0", 4, saffron)
	s.dots(dots.String(), 2.5, pal.a)
	s.line(stripes.String()+"M-38 -110q9 7 19 0t19 0t19 0t19 0", line, 2)
	s.line(crosses.String(), ink, 2)
	s.line("M0 -152v-18M-7 -163h14", ink, 3)
	flower(s, -26, -60, 6, pal.c, line)
	flower(s, 26, -60, 6, pal.c, line)
}

// simpleChurch is church with fewer details, for small sizes.
func simpleChurch(s *svg, body, door string) {
	s.open("g", "stroke", ink, "stroke-width", 3, "stroke-linejoin", "round")
	s.path("M-84 0V-168A22 22 0 0 1 -40 -168V0ZM40 0V-168A22 22 0 0 1 84 -168V0Z", body)
	s.path("M-40 0V-114L0 -152L40 -114V0Z", body)
	s.path("M-71 -130V-142A9 9 0 0 1 -53 -142V-130ZM53 -130V-142A9 9 0 0 1 71 -142V-130Z", ink)
	s.path("M-14 0V-34A14 14 0 0 1 14 -34V0Z", door)
	s.end("g")
	s.line("M-62 -190v-16M-69 -200h14M62 -190v-16M55 -200h14M0 -152v-20M-8 -164h16", ink, 4)
}

func casita(s *svg, pal palette, r *rng) {
	st := []any{"stroke", ink, "stroke-width", 2}
	s.rect(110, 226, 180, 16, clay, append(st, "rx", 2)...)
	s.rect(132, 136, 136, 90, clay, st...)
	s.path("M118 140L200 84L282 140Z", tile, append(st, "stroke-linejoin", "round")...)
	s.line("M140 126h120M160 112h80M180 98h40", mix(tile, ink, 0.4), 2)
	s.rect(150, 160, 100, 9, pal.a, st...)
	s.line("M156 169v14M170 169v14M184 169v14M216 169v14M230 169v14M244 169v14", ink, 1.5)
	s.path("M186 226V200A14 14 0 0 1 214 200V226Z", pal.b, st...)
	s.rect(146, 184, 22, 22, pal.c, st...)
	s.rect(232, 184, 22, 22, pal.c, st...)
	s.line("M132 150h136", clayLine, 2)
	for _, x := range []float64{176, 224} {
		s.place(x, 84, 0.2, 200, 165, x > 200)
		smallBull(s, tile, cream)
		s.end("g")
	}
}

func roofCross(s *svg, pal palette, r *rng) {
	st := []any{"stroke", ink, "stroke-width", 2}
	s.rect(120, 206, 160, 36, clay, append(st, "rx", 3)...)
	s.line("M124 220h152", clayLine, 2)
	s.rect(193, 56, 14, 150, clay, st...)
	s.rect(160, 86, 80, 14, clay, st...)
	flower(s, 200, 93, 6, pal.a, clayLine)
	s.line("M200 120v70", clayLine, 2, "stroke-dasharray", "4 5")
	for _, x := range []float64{136, 266} {
		s.place(x, 206, 0.3, 200, 240, x > 200)
		smallBull(s, tile, cream)
		s.end("g")
	}
	// ladder and chicha bottle
	s.line("M212 206l10 -44M224 206l10 -44M214 196h12M217 184h12M220 172h12", wood, 2)
	s.path("M180 212q-10 0 -10 -12q0 -10 6 -14v-12h8v12q6 4 6 14q0 12 -10 12z", pal.b, st...)
}

func musicians(s *svg, pal palette, r *rng) {
	hats := []string{pal.a, pal.b, ink}
	for i, x := range []float64{118, 200, 282} {
		figure(s, x, 238, 150, clay, clayLine, clay, hats[(i+r.intn(3))%3])
		s.line(pf("M%s 188h40M%s 168h30", x-20, x-15), clayLine, 2)
	}
	// harp, drum, flute
	s.path("M70 236L82 120L104 236Z", "none", "stroke", wood, "stroke-width", 4, "stroke-linejoin", "round")
	s.line("M84 140v90M90 160v70M96 190v42", ink, 1)
	s.ellipse(200, 196, 22, 16, pal.c, "stroke", ink, "stroke-width", 2)
	s.line("M184 186l-10 -16", wood, 3)
	s.line("M266 148l40 24", wood, 4)
}

func marketWoman(s *svg, pal palette, r *rng) {
	figure(s, 186, 240, 190, clay, clayLine, clay, pal.a)
	s.line("M140 170h92M134 200h104", clayLine, 3)
	s.path("M212 196h92q0 44 -46 44q-46 0 -46 -44z", []string{wood, "#c98a3a"}[r.intn(2)], "stroke", ink, "stroke-width", 2)
	for i, c := range []string{pal.c, achiote, green, saffron, cochineal} {
		s.circle(226+float64(i)*15, 190-float64(i%2)*6, 9, c, "stroke", ink, "stroke-width", 1)
	}
}

func jug(s *svg, pal palette, r *rng) {
	st := []any{"stroke", ink, "stroke-width", 2}
	s.line("M240 94Q300 104 262 176", ink, 14)
	s.line("M240 94Q300 104 262 176", clay, 9)
	s.path("M150 226Q112 170 160 130L172 100Q170 90 162 84H238Q230 90 228 100L240 130Q288 170 250 226Z", clay, st...)
	s.path("M162 84L136 72L170 96Z", clay, st...)
	s.line("M164 132h72M152 214h96", clayLine, 3)
	flower(s, 200, 172, 16, pal.a, pal.c)
	s.line("M172 176q-14 10 -24 4M228 176q14 10 24 4", green, 3)
	// the dove on the handle
	s.ellipse(262, 84, 16, 9, cream, st...)
	s.circle(276, 78, 6, cream, st...)
	s.path("M248 84l-14 -8l2 14z", cream, st...)
	s.circle(278, 77, 1.5, ink)
}

// ------------------------------------------------------------ stone

const (
	stoneW = "#f8f4ec"
	stoneS = "#e3dccd"
	stoneL = "#a89b84"
)

func niche(s *svg, pal palette) {
	s.path("M112 250V128A88 88 0 0 1 288 128V250Z", pal.a, "stroke", mix(pal.a, ink, 0.4), "stroke-width", 4)
	s.path("M128 250V132A72 72 0 0 1 272 132V250Z", mix(pal.a, ink, 0.25))
	shadow(s, 200, 248, 95)
}

func virgin(s *svg, x, base, k float64) {
	s.place(x, base, k, 0, 0, false)
	st := []any{"stroke", stoneL, "stroke-width", 2}
	s.rect(-44, -22, 88, 22, stoneW, append(st, "rx", 3)...)
	s.path("M-36 -22C-36 -84 -24 -112 0 -120C24 -112 36 -84 36 -22Z", stoneW, st...)
	s.line("M-14 -104Q-20 -62 -24 -26M14 -104Q20 -62 24 -26M0 -70V-26M-30 -50q30 10 60 0", stoneL, 1.6)
	s.ellipse(0, -80, 9, 7, stoneS, st...)
	s.path("M-22 -124Q-24 -152 0 -156Q24 -152 22 -124Q0 -114 -22 -124Z", stoneS, st...)
	s.circle(0, -136, 15, stoneW, st...)
	s.ellipse(0, -154, 30, 6, stoneW, st...)
	s.rect(-14, -172, 28, 18, stoneW, append(st, "rx", 4)...)
	s.end("g")
}

// llama is authored with its feet on (x, base), facing left (or right
// when flipped).
func llama(s *svg, x, base, k float64, fill, stroke string, flip bool) {
	s.place(x, base, k, 0, 0, flip)
	st := []any{"stroke", stroke, "stroke-width", 2}
	for _, lx := range []float64{-26, -12, 18, 32} {
		s.rect(lx, -40, 9, 40, fill, append(st, "rx", 3)...)
	}
	s.ellipse(50, -62, 7, 10, fill, st...)
	s.ellipse(10, -54, 46, 24, fill, st...)
	s.path("M-30 -62L-38 -118H-20L-10 -58Z", fill, st...)
	s.ellipse(-36, -120, 16, 10, fill, st...)
	s.path("M-34 -128l-4 -14l8 12zM-26 -128l2 -14l4 12z", fill, st...)
	s.circle(-40, -122, 1.8, stroke)
	s.line("M-8 -60q6 -6 12 0M12 -62q6 -6 12 0M32 -58q6 -6 12 0M0 -46q6 -6 12 0M22 -44q6 -6 12 0", stroke, 1.3)
	s.end("g")
}

func chess(s *svg, pal palette) {
	for i := 0; i < 8; i++ {
		c := wood
		if i%2 == 0 {
			c = mix(wood, cream, 0.6)
		}
		s.rect(120+float64(i)*20, 226, 20, 16, c)
	}
	s.rect(120, 226, 160, 16, "none", "stroke", ink, "stroke-width", 1.5)
	piece := func(x, h float64, fill string) {
		st := []any{"stroke", stoneL, "stroke-width", 2}
		s.ellipse(x, 226, 20, 6, fill, st...)
		s.path(pf("M%s 224Q%s %s %s %sH%sQ%s %s %s 224Z", x-16, x-12, 226-h*0.5, x-8, 226-h*0.75, x+8, x+12, 226-h*0.5, x+16), fill, st...)
		s.circle(x, 226-h*0.85, 11, fill, st...)
		s.path(pf("M%s %sl4 -10l4 6l4 -6l4 10z", x-8, 226-h*0.93), pal.c)
	}
	piece(158, 110, stoneW)
	piece(242, 96, "#9a6a44")
	piece(200, 130, stoneW)
}

// ---------------------------------------------------------------- gourd

const (
	gourdBody = "#d6a15a"
	gourdRim  = "#8a5a2b"
	gourdInk  = "#3b2414"
)

func halfWidth(rx, ry, dy float64) float64 {
	t := dy / ry
	if t*t >= 1 {
		return 0
	}
	return rx * math.Sqrt(1-t*t)
}

func gourd(s *svg, pal palette, r *rng, cx, cy, rx, ry float64, lidded bool) {
	s.ellipse(cx, cy, rx, ry, gourdBody, "stroke", gourdRim, "stroke-width", 3)
	s.ellipse(cx-rx*0.38, cy-ry*0.45, rx*0.3, ry*0.16, "#fff", "fill-opacity", ".18")
	lid := -0.72 * ry
	hw := halfWidth(rx, ry, lid)
	s.line(pf("M%s %sQ%s %s %s %s", cx-hw, cy+lid, cx, cy+lid+ry*0.14, cx+hw, cy+lid), gourdInk, 2)
	if lidded {
		s.ellipse(cx, cy-ry-4, 12, 7, gourdRim, "stroke", gourdInk, "stroke-width", 1.5)
	} else {
		s.rect(cx-4, cy-ry-10, 8, 14, wood, "rx", 2)
	}
	bands := []float64{-0.36 * ry, 0.1 * ry, 0.52 * ry}
	for _, y := range bands {
		hw := halfWidth(rx, ry, y) - 2
		for _, d := range []float64{-2.5, 2.5} {
			s.line(pf("M%s %sQ%s %s %s %s", cx-hw, cy+y+d, cx, cy+y+d+ry*0.08, cx+hw, cy+y+d), gourdInk, 1.4)
		}
	}
	rows := [][2]float64{{lid + 8, bands[0] - 4}, {bands[0] + 6, bands[1] - 4}, {bands[1] + 6, bands[2] - 4}}
	kinds := []int{0, 1, 2}
	if r.intn(2) == 0 {
		kinds[1], kinds[2] = 2, 1
	}
	for i, row := range rows {
		y0, y1 := cy+row[0], cy+row[1]
		edge := math.Max(math.Abs(row[0]), math.Abs(row[1]))
		w := halfWidth(rx, ry, edge) * 0.86
		gourdRow(s, pal, r, kinds[i], cx-w, cx+w, y0, y1)
	}
	// Ember-scorched lower part.
	var h strings.Builder
	for x := -0.7; x <= 0.7; x += 0.07 {
		top := bands[2] + 8
		bottom := ry * math.Sqrt(1-x*x) * 0.92
		if bottom > top {
			h.WriteString(pf("M%s %sV%s", cx+x*rx, cy+top, cy+bottom))
		}
	}
	s.line(h.String(), gourdRim, 2.2)
}

// gourdRow draws one engraved band between y0 and y1.
func gourdRow(s *svg, pal palette, r *rng, kind int, x0, x1, y0, y1 float64) {
	h := y1 - y0
	switch kind {
	case 0: // triangles
		var b strings.Builder
		for x := x0; x+10 <= x1; x += 12 {
			b.WriteString(pf("M%s %sL%s %sL%s %sZ", x, y1, x+5, y0, x+10, y1))
		}
		s.path(b.String(), gourdInk)
	case 1: // a village: houses, trees and people
		x := x0 + 4
		for i := 0; x+16 < x1; i++ {
			switch (i + r.intn(2)) % 3 {
			case 0:
				s.rect(x, y1-h*0.5, 16, h*0.5, gourdInk)
				s.path(pf("M%s %sL%s %sL%s %sZ", x-3, y1-h*0.5, x+8, y0, x+19, y1-h*0.5), pal.a)
				x += 24
			case 1:
				s.line(pf("M%s %sV%s", x+6, y1, y1-h*0.5), gourdInk, 2)
				s.circle(x+6, y1-h*0.62, h*0.3, gourdInk)
				x += 16
			default:
				s.circle(x+5, y0+h*0.22, h*0.14, gourdInk)
				s.path(pf("M%s %sL%s %sL%s %sZ", x, y1, x+5, y0+h*0.35, x+10, y1), gourdInk)
				x += 14
			}
		}
	default: // birds and flowers
		x := x0 + 8
		for i := 0; x+10 < x1; i++ {
			if i%2 == 0 {
				s.line(pf("M%s %sq5 -6 10 0q5 -6 10 0", x-4, y0+h*0.5), gourdInk, 1.8)
				x += 24
			} else {
				flower(s, x+4, y0+h*0.5, h*0.3, gourdInk, pal.c)
				x += 18
			}
		}
	}
}

func ornaments(s *svg, pal palette, r *rng, n int) {
	xs, ys, rad := []float64{200}, []float64{160}, 64.0
	if n == 3 {
		xs, ys, rad = []float64{110, 200, 290}, []float64{130, 176, 130}, 42
	}
	for i := range xs {
		x, y := xs[i], ys[i]
		s.line(pf("M%s 0V%s", x, y-rad), pal.a, 3)
		s.path(pf("M%s %sl-14 -8v16zM%s %sl14 -8v16z", x, y-rad-6, x, y-rad-6), pal.a)
		s.circle(x, y, rad, gourdBody, "stroke", gourdRim, "stroke-width", 3)
		s.ellipse(x-rad*0.35, y-rad*0.45, rad*0.3, rad*0.15, "#fff", "fill-opacity", ".2")
		s.circle(x, y, rad*0.78, "none", "stroke", gourdInk, "stroke-width", 1.4, "stroke-dasharray", "3 3")
		switch (i + r.intn(2)) % 3 {
		case 0:
			star(s, x, y, rad*0.5, gourdInk, gourdInk)
		case 1:
			flower(s, x, y, rad*0.4, gourdInk, pal.c)
		default:
			llama(s, x+rad*0.05, y+rad*0.45, rad/150, gourdInk, gourdInk, false)
		}
	}
}

func lamp(s *svg, pal palette, r *rng) {
	s.circle(200, 138, 118, saffron, "fill-opacity", ".22")
	s.line("M230 236Q300 240 340 270", ink, 2.5)
	s.rect(168, 226, 64, 16, wood, "rx", 4)
	s.ellipse(200, 138, 78, 92, gourdBody, "stroke", gourdRim, "stroke-width", 3)
	var holes strings.Builder
	for ring := -3; ring <= 3; ring++ {
		y := float64(ring) * 24
		w := halfWidth(78, 92, y) * 0.8
		n := int(w / 11)
		off := float64(ring%2) * 5.5
		for i := -n; i <= n; i++ {
			x := float64(i)*11 + off
			if math.Abs(x) < w {
				dot(&holes, 200+x, 138+y)
			}
		}
	}
	s.dots(holes.String(), 3, "#fbe6a2")
	s.line("M138 100Q200 112 262 100M130 180Q200 194 270 180", gourdInk, 1.5)
	s.rect(194, 36, 12, 12, wood, "rx", 2)
}

// ------------------------------------------------------------ knitwear

// knitBands fills the clip region between y0 and y1 with knitted
// stripes, some with a row of diamonds, zigzags or dots.
func knitBands(s *svg, pal palette, r *rng, x0, x1, y0, y1 float64) {
	colours := []string{pal.a, cream, pal.b, cream, pal.c, pal.d}
	y := y0
	for i := 0; y < y1; i++ {
		h := []float64{10, 22, 10, 16}[i%4]
		bg := colours[i%len(colours)]
		s.rect(x0, y, x1-x0, h+0.5, bg)
		if h >= 16 {
			fg := colours[(i+3)%len(colours)]
			if fg == bg {
				fg = ink
			}
			switch r.intn(3) {
			case 0:
				var b strings.Builder
				d := h * 0.36
				for x := x0 + d; x < x1; x += h * 0.9 {
					b.WriteString(pf("M%s %sl%s %sl%s %sl%s %sz", x, y+h/2, d, -d, d, d, -d, d))
				}
				s.path(b.String(), fg)
			case 1:
				zigzag(s, x0, x1, y+h/2, h*0.25, h*0.8, fg, 2.5)
			default:
				var b strings.Builder
				for x := x0 + 6; x < x1; x += 12 {
					b.WriteString(pf("M%s %sh6v6h-6z", x, y+h/2-3))
				}
				s.path(b.String(), fg)
			}
		}
		y += h
	}
}

func knitted(s *svg, pal palette, r *rng, outline string, x0, y0, x1, y1 float64) {
	s.open("clipPath", "id", "k")
	s.path(outline, "#000")
	s.end("clipPath")
	s.open("g", "clip-path", "url(#k)")
	knitBands(s, pal, r, x0, x1, y0, y1)
	s.end("g")
	s.path(outline, "none", "stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round")
}

func chullo(s *svg, pal palette, r *rng) {
	shadow(s, 200, 262, 90)
	s.line("M138 220V256M262 220V256", pal.c, 3)
	s.ellipse(138, 262, 6, 10, pal.c, "stroke", ink, "stroke-width", 1)
	s.ellipse(262, 262, 6, 10, pal.c, "stroke", ink, "stroke-width", 1)
	knitted(s, pal, r, "M120 170Q124 86 200 50Q276 86 280 170V202Q262 238 244 202V176H156V202Q138 238 120 202Z", 110, 46, 290, 240)
	s.line("M122 170H278", ink, 1.5)
	s.circle(200, 46, 12, pal.b, "stroke", ink, "stroke-width", 1.5)
}

func sweater(s *svg, pal palette, r *rng) {
	shadow(s, 200, 254, 120)
	out := "M140 64L96 80L56 192L86 204L118 124V246H282V124L314 204L344 192L304 80L260 64Q200 96 140 64Z"
	knitted(s, pal, r, out, 50, 60, 350, 250)
	s.line("M142 66Q200 100 258 66", pal.d, 7)
	s.line("M120 238H280M60 184l26 12M340 184l-26 12", pal.d, 6)
	s.path(out, "none", "stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round")
}

func poncho(s *svg, pal palette, r *rng) {
	shadow(s, 200, 252, 140)
	var fr strings.Builder
	for x := 64.0; x <= 336; x += 6 {
		fr.WriteString(pf("M%s 226v16", x))
	}
	s.line(fr.String(), pal.a, 2)
	knitted(s, pal, r, "M150 56H250L340 226H60Z", 56, 50, 344, 230)
	s.path("M176 36H224L230 60H170Z", pal.d, "stroke", ink, "stroke-width", 2, "stroke-linejoin", "round")
	s.line("M184 40v16M192 40v16M200 40v16M208 40v16M216 40v16", mix(pal.d, ink, 0.4), 1.5)
	s.ellipse(200, 36, 24, 5, ink)
}

func scarf(s *svg, pal palette, r *rng) {
	shadow(s, 200, 256, 110)
	for i, p := range [][3]float64{{-9, 150, 36}, {13, 196, 64}} {
		s.open("g", "transform", pf("rotate(%s 200 150)", p[0]))
		x, y := p[1], p[2]
		colours := []string{pal.a, cream, pal.b, pal.c}
		for j, yy := 0, y; yy < 240; j, yy = j+1, yy+16 {
			s.rect(x, yy, 56, 16.5, colours[(j+i)%4])
		}
		var fr strings.Builder
		for fx := x + 3; fx < x+56; fx += 5 {
			fr.WriteString(pf("M%s 240v16", fx))
		}
		s.line(fr.String(), colours[i%4], 2)
		s.rect(x, y, 56, 240-y, "none", "stroke", ink, "stroke-width", 2)
		s.end("g")
	}
}

func mittens(s *svg, pal palette, r *rng) {
	shadow(s, 200, 250, 120)
	out := "M0 0V-92Q0 -124 32 -124Q64 -124 64 -92V-58Q76 -72 86 -62Q94 -52 78 -34L64 -16V0Z"
	s.open("clipPath", "id", "k")
	s.path(out, "#000")
	s.end("clipPath")
	for i, x := range []float64{100, 300} {
		s.place(x, 244, 1, 32, 0, i == 1)
		s.open("g", "clip-path", "url(#k)")
		knitBands(s, pal, r, -4, 100, -130, 0)
		s.rect(-4, -22, 104, 22, pal.d)
		s.end("g")
		s.line("M8 -20v16M20 -20v16M32 -20v16M44 -20v16M56 -20v16", ink, 1)
		s.path(out, "none", "stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round")
		s.end("g")
	}
}

func socks(s *svg, pal palette, r *rng) {
	shadow(s, 200, 250, 130)
	out := "M0 -160H54V-58Q54 -40 74 -36L104 -30Q124 -24 122 -4Q120 10 100 10H22Q0 10 0 -12Z"
	s.open("clipPath", "id", "k")
	s.path(out, "#000")
	s.end("clipPath")
	for i, p := range [][2]float64{{96, 232}, {206, 240}} {
		s.place(p[0], p[1], 1, 0, 0, false)
		s.open("g", "clip-path", "url(#k)")
		knitBands(s, pal, r, -4, 130, -164, 12)
		s.rect(-4, -164, 62, 22, []string{pal.d, pal.a}[i])
		s.end("g")
		s.path(out, "none", "stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round")
		s.end("g")
	}
}

// -------------------------------------------------------------- bulls

// bull is a Pucará bull authored facing left around (200, 165).
func bull(s *svg, pal palette, r *rng, body string, moneyBox bool) {
	decor := cream
	if body == "#2a2320" {
		decor = "#d9b24a"
	}
	s.line("M300 150Q336 160 326 206", ink, 8)
	s.line("M300 150Q336 160 326 206", body, 4)
	s.ellipse(326, 212, 6, 9, ink)
	s.open("g", "stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round")
	var hooves strings.Builder
	for _, l := range [][3]float64{{146, 196, 44}, {182, 200, 40}, {238, 200, 40}, {270, 196, 44}} {
		s.rect(l[0], l[1], 24, l[2], body, "rx", 6)
		hooves.WriteString(pf("M%s %sh24v8h-24z", l[0], l[1]+l[2]-8))
	}
	s.path(hooves.String(), ink)
	s.path("M118 172Q112 120 160 112Q196 106 214 124Q286 112 304 158Q312 208 268 216H158Q120 212 118 172Z", body)
	s.rect(218, 106, 26, 18, body, "rx", 3)
	s.ellipse(231, 107, 13, 4, ink)
	if moneyBox {
		s.circle(231, 86, 10, saffron)
	}
	s.end("g")
	switch r.intn(3) {
	case 0:
		var d strings.Builder
		for y := 136.0; y <= 204; y += 16 {
			for x := 176.0; x <= 296; x += 16 {
				dx, dy := (x-238)/62, (y-168)/40
				if dx*dx+dy*dy < 0.8 {
					dot(&d, x+float64(int(y)%32)/4, y)
				}
			}
		}
		s.dots(d.String(), 3.2, decor)
	case 1:
		for _, p := range [][2]float64{{202, 160}, {248, 144}, {276, 184}, {230, 194}} {
			flower(s, p[0], p[1], 10, pal.a, decor)
		}
	default:
		zigzag(s, 170, 296, 160, 9, 20, decor, 3)
		s.line("M176 190h112M182 136h100", pal.a, 4)
	}
	s.line("M150 118Q170 160 152 212", pal.c, 8)
	var g strings.Builder
	for _, y := range []float64{134, 156, 178, 200} {
		dot(&g, 160+math.Sin((y-118)/30)*4, y)
	}
	s.dots(g.String(), 2.6, decor)
	s.open("g", "stroke", ink, "stroke-width", 2, "stroke-linejoin", "round")
	s.ellipse(76, 126, 14, 7, body, "transform", "rotate(-20 76 126)")
	s.ellipse(148, 126, 14, 7, body, "transform", "rotate(20 148 126)")
	s.ellipse(112, 150, 34, 38, body)
	s.path(circ(98, 142, 9)+circ(126, 142, 9), cream)
	s.ellipse(112, 180, 26, 17, mix(body, cream, 0.45))
	s.end("g")
	s.line("M96 116Q72 96 88 70M128 116Q152 96 136 70", ink, 11)
	s.line("M96 116Q72 96 88 70M128 116Q152 96 136 70", decor, 6.5)
	s.dots("M100 144h0M124 144h0", 4.5, ink)
	s.dots("M102 176h0M122 176h0", 3, ink)
	s.ellipse(112, 190, 11, 5, ink)
	s.ellipse(112, 194, 6, 4, cochineal)
	flower(s, 112, 120, 5, pal.c, decor)
}

// smallBull is a Pucará bull for small sizes (roof ornaments, icons),
// authored like bull.
func smallBull(s *svg, body, horn string) {
	s.open("g", "stroke", ink, "stroke-width", 6, "stroke-linejoin", "round")
	s.path("M146 196h24v44h-24zM270 196h24v44h-24zM304 160Q330 170 322 206", body)
	s.path("M118 172Q112 120 160 112Q196 106 214 124Q286 112 304 158Q312 208 268 216H158Q120 212 118 172Z", body)
	s.ellipse(112, 156, 36, 42, body)
	s.end("g")
	s.line("M96 120Q70 96 88 66M128 120Q154 96 136 66", horn, 12)
	s.path(circ(98, 146, 9)+circ(126, 146, 9)+circ(112, 186, 12), cream)
	s.dots("M100 148h0M124 148h0", 5, ink)
}

// ------------------------------------------------------------ jewellery

const (
	silver      = "#dfe3e8"
	silverShade = "#8a939e"
)

var velvets = []string{"#2d3f7a", "#6e1d2c", "#2f5a3a", "#5e1f4a", "#3b2a1e", "#1f5a5a"}

func velvet(s *svg, pal palette, r *rng) {
	v := velvets[r.intn(len(velvets))]
	s.rect(50, 28, 300, 236, v, "rx", 18)
	s.rect(62, 40, 276, 212, "none", "rx", 12, "stroke", mix(v, cream, 0.35), "stroke-width", 1.5, "stroke-dasharray", "4 4")
}

// rosette is a filigree rosette: a ring, loops of coiled thread and
// granules.
func rosette(s *svg, r *rng, cx, cy, rad float64, bead string) {
	n := 6 + r.intn(3)
	s.circle(cx, cy, rad, "none", "stroke", silver, "stroke-width", 3)
	var loops strings.Builder
	lr := rad * math.Sin(math.Pi/float64(n)) * 0.9
	for i := 0; i < n; i++ {
		a := float64(i) * 2 * math.Pi / float64(n)
		x, y := cx+math.Cos(a)*rad*0.56, cy+math.Sin(a)*rad*0.56
		loops.WriteString(circ(x, y, lr))
		if rad >= 20 {
			loops.WriteString(circ(x, y, lr*0.45))
		}
	}
	s.path(loops.String(), "none", "stroke", silver, "stroke-width", 1.6)
	if rad >= 20 {
		var gran strings.Builder
		for i := 0; i < n*2; i++ {
			a := (float64(i) + 0.5) * math.Pi / float64(n)
			dot(&gran, cx+math.Cos(a)*(rad+4), cy+math.Sin(a)*(rad+4))
		}
		s.dots(gran.String(), 2, silver)
	}
	s.circle(cx, cy, rad*0.2, bead, "stroke", silver, "stroke-width", 2)
}

func earrings(s *svg, pal palette, r *rng) {
	for _, x := range []float64{148, 252} {
		s.line(pf("M%s 88Q%s 76 %s 62Q%s 46 %s 56", x, x-2, x+8, x+18, x+14), silver, 2.5)
		s.circle(x, 94, 6, "none", "stroke", silver, "stroke-width", 2.5)
		rosette(s, r, x, 136, 34, pal.c)
		s.path(pf("M%s 174Q%s 204 %s 232Q%s 204 %s 174Z", x, x+22, x, x-22, x), "none", "stroke", silver, "stroke-width", 2.5)
		s.line(pf("M%s 190q8 6 0 14q-8 6 0 14", x), silver, 1.6)
		s.circle(x, 222, 4, pal.a, "stroke", silver, "stroke-width", 1.5)
	}
}

func butterfly(s *svg, pal palette, r *rng) {
	for _, side := range []float64{-1, 1} {
		s.ellipse(200+side*46, 120, 50, 34, mix(pal.a, "#000", 0.35), "stroke", silver, "stroke-width", 3,
			"transform", pf("rotate(%s %s 120)", side*-24, 200+side*46))
		s.ellipse(200+side*34, 180, 32, 24, mix(pal.a, "#000", 0.35), "stroke", silver, "stroke-width", 3,
			"transform", pf("rotate(%s %s 180)", side*28, 200+side*34))
		rosette(s, r, 200+side*48, 120, 20, pal.c)
		rosette(s, r, 200+side*34, 180, 12, pal.c)
	}
	s.ellipse(200, 150, 8, 44, silver, "stroke", silverShade, "stroke-width", 1.5)
	s.line("M196 108Q184 80 170 76q-8 0 -6 6M204 108Q216 80 230 76q8 0 6 6", silver, 2.5)
}

func necklace(s *svg, pal palette, r *rng) {
	s.line("M86 40Q200 200 314 40", silver, 3, "stroke-dasharray", "6 3")
	s.circle(200, 126, 6, "none", "stroke", silver, "stroke-width", 2.5)
	var rays strings.Builder
	for i := 0; i < 16; i++ {
		a := float64(i) * math.Pi / 8
		rays.WriteString(pf("M%s %sL%s %s", 200+math.Cos(a)*38, 176+math.Sin(a)*38, 200+math.Cos(a)*52, 176+math.Sin(a)*52))
	}
	s.line(rays.String(), silver, 3)
	rosette(s, r, 200, 176, 32, pal.c)
}

func bracelet(s *svg, pal palette, r *rng) {
	s.ellipse(200, 150, 124, 62, "none", "stroke", silver, "stroke-width", 3, "stroke-dasharray", "8 4")
	for i := 0; i < 5; i++ {
		a := math.Pi * (0.1 + 0.8*float64(i)/4)
		rosette(s, r, 200-math.Cos(a)*124, 150+math.Sin(a)*62, 19, pal.c)
	}
}

func ring(s *svg, pal palette, r *rng) {
	s.ellipse(200, 196, 58, 22, "none", "stroke", silverShade, "stroke-width", 11)
	s.ellipse(200, 196, 58, 22, "none", "stroke", silver, "stroke-width", 7)
	rosette(s, r, 200, 140, 42, pal.c)
}

// ------------------------------------------------------------ nativity

// nativity draws Mary, Joseph and the Child around (0, 0), the centre of
// their baseline. style is "paint", "clay" or "stone".
func nativity(s *svg, pal palette, style string) {
	mary, joseph, face, hat, line, crib := pal.b, wood, skin, pal.c, ink, wood
	switch style {
	case "clay":
		mary, joseph, face, hat, line, crib = clay, clay, clay, pal.a, clayLine, tile
	case "stone":
		mary, joseph, face, hat, line, crib = stoneW, stoneW, stoneW, stoneW, stoneL, stoneS
	}
	st := []any{"stroke", line, "stroke-width", 2}
	s.path("M-78 0Q-80 -42 -50 -64Q-20 -42 -22 0Z", mary, st...)
	s.circle(-50, -72, 11, face, st...)
	s.path("M-66 -64Q-64 -96 -50 -96Q-36 -96 -34 -64Q-50 -78 -66 -64Z", mary, st...)
	s.line("M82 2L86 -104", wood, 3)
	s.path("M24 0Q20 -56 50 -84Q80 -56 76 0Z", joseph, st...)
	s.circle(50, -92, 11, face, st...)
	s.path("M38 -96Q50 -118 62 -96Z", hat, st...)
	s.path("M-24 0L-18 -22H18L24 0Z", crib, st...)
	s.ellipse(2, -26, 15, 7, cream, st...)
	s.circle(-10, -28, 5, face, st...)
	if style == "clay" {
		s.line("M-70 -30h40M32 -40h40M-60 -12h20M40 -16h28", clayLine, 2)
	}
}

func archNativity(s *svg, pal palette, r *rng, ceramic, twoLlamas bool) {
	shadow(s, 200, 250, 120)
	inside := mix(cream, pal.b, 0.1)
	s.path("M94 250V134A106 96 0 0 1 306 134V250Z", inside, "stroke", pal.a, "stroke-width", 14)
	s.path("M100 250L150 196L190 222L240 180L300 250Z", mix(inside, green, 0.3))
	star(s, 200, 62, 16, saffron, ink)
	style := "paint"
	if ceramic {
		style = "clay"
	}
	s.place(196, 246, 0.8, 0, 0, false)
	nativity(s, pal, style)
	s.end("g")
	lf := []string{cream, "#c9b08a", wood}[r.intn(3)]
	llama(s, 278, 246, 0.38, lf, ink, false)
	if twoLlamas {
		llama(s, 118, 246, 0.36, mix(lf, wood, 0.4), ink, true)
	}
}

func gourdNativity(s *svg, pal palette, r *rng) {
	shadow(s, 200, 252, 90)
	s.ellipse(200, 162, 94, 86, gourdBody, "stroke", gourdRim, "stroke-width", 3)
	s.rect(196, 66, 8, 14, wood, "rx", 2)
	s.line("M120 116Q200 130 280 116", gourdInk, 1.6)
	gourdRow(s, pal, r, 0, 138, 262, 90, 108)
	s.path("M142 226V176A58 54 0 0 1 258 176V226Z", "#4a2c17", "stroke", gourdInk, "stroke-width", 2)
	star(s, 200, 142, 9, saffron, ink)
	s.place(200, 224, 0.62, 0, 0, false)
	nativity(s, pal, "paint")
	s.end("g")
	s.rect(128, 240, 144, 12, gourdRim, "rx", 4)
}

// -------------------------------------------------------------- weaving

func belt(s *svg, pal palette, r *rng, x0, y, w, h float64, base, edge, motif string) {
	s.line(pf("M%s %sq-14 6 -30 -4M%s %sq-14 -4 -30 6", x0, y+h*0.35, x0, y+h*0.65), edge, 3)
	var fr strings.Builder
	for yy := y + 2; yy < y+h; yy += 4 {
		fr.WriteString(pf("M%s %sh16", x0+w, yy))
	}
	s.line(fr.String(), base, 1.6)
	s.rect(x0, y, w, h, base, "stroke", ink, "stroke-width", 1.5)
	s.rect(x0, y+2, w, h*0.12, edge)
	s.rect(x0, y+h-2-h*0.12, w, h*0.12, edge)
	d := h * 0.3
	var b, dots strings.Builder
	for x := x0 + h*0.5; x+d < x0+w; x += h * 0.72 {
		b.WriteString(pf("M%s %sl%s %sl%s %sl%s %sz", x-d, y+h/2, d, -d, d, d, -d, d))
		dots.WriteString(pf("M%s %sh4v4h-4z", x-2, y+h/2-2))
	}
	s.path(b.String(), motif)
	s.path(dots.String(), base)
}

func belts(s *svg, pal palette, r *rng, narrow bool) {
	shadow(s, 200, 250, 150)
	if narrow {
		for i, y := range []float64{92, 142, 192} {
			c := []string{pal.a, pal.b, pal.d}[i]
			belt(s, pal, r, 70+float64(i)*10, y, 260-float64(i)*20, 24, c, cream, pal.c)
		}
		return
	}
	s.open("g", "transform", "rotate(-4 200 150)")
	belt(s, pal, r, 70, 84, 270, 56, pal.a, pal.b, pal.c)
	s.end("g")
	s.open("g", "transform", "rotate(3 200 200)")
	belt(s, pal, r, 90, 170, 240, 40, pal.d, cream, pal.b)
	s.end("g")
}

func blanket(s *svg, pal palette, r *rng) {
	shadow(s, 200, 250, 120)
	x0, y0, w, h := 96.0, 44.0, 208.0, 200.0
	colours := []string{pal.a, pal.b, cream, pal.c, pal.d}
	y := y0
	for i := 0; y < y0+h; i++ {
		bh := []float64{18, 6, 30, 6, 12}[i%5]
		bh = math.Min(bh, y0+h-y)
		c := colours[(i+r.intn(2))%len(colours)]
		s.rect(x0, y, w, bh+0.5, c)
		if bh >= 30 {
			var b strings.Builder
			for x := x0 + 14; x < x0+w-8; x += 22 {
				b.WriteString(pf("M%s %sl9 -9l9 9l-9 9z", x-9, y+bh/2))
			}
			s.path(b.String(), colours[(i+2)%len(colours)])
		}
		y += bh
	}
	s.rect(x0, y0, w, h, "none", "stroke", ink, "stroke-width", 2)
	s.path(pf("M%s %sL%s %sL%s %sZ", x0+w, y0+h-60, x0+w, y0+h, x0+w-60, y0+h), mix(pal.a, ink, 0.4), "stroke", ink, "stroke-width", 2)
	var fr strings.Builder
	for x := x0 + 4; x < x0+w-62; x += 7 {
		fr.WriteString(pf("M%s %sv12", x, y0+h+2))
	}
	s.line(fr.String(), pal.a, 2)
}

func bag(s *svg, pal palette, r *rng) {
	shadow(s, 200, 252, 100)
	s.line("M138 122Q200 8 262 122", pal.d, 9)
	s.open("clipPath", "id", "k")
	s.rect(124, 118, 152, 124, "#000", "rx", 12)
	s.end("clipPath")
	s.open("g", "clip-path", "url(#k)")
	knitBands(s, pal, r, 124, 276, 118, 242)
	s.end("g")
	s.rect(124, 118, 152, 124, "none", "rx", 12, "stroke", ink, "stroke-width", 2.5)
	s.line("M136 242v16M264 242v16", pal.a, 4)
	s.circle(136, 262, 6, pal.a)
	s.circle(264, 262, 6, pal.a)
}

// ---------------------------------------------------------------- groups

var regionNames = map[models.Region]string{
	models.RegionLima: "Lima", models.RegionJunin: "Junín", models.RegionAyacucho: "Ayacucho", models.RegionPuno: "Puno",
}

func groupCard(g demo.GroupSpec) []byte {
	r := newRng("group:" + g.Slug)
	pal := newPalette(g.Slug, r)
	s := newSVG(400, 300, fmt.Sprintf("%s, %s (%s)", g.Name, g.Place, regionNames[g.Region]))
	switch g.Region {
	case models.RegionPuno:
		if strings.HasPrefix(g.Place, "Puno") {
			lakeScene(s, pal, r)
		} else {
			altiplanoScene(s, pal, r, strings.HasPrefix(g.Place, "Pucará"))
		}
	case models.RegionJunin:
		valleyScene(s, pal, r)
	case models.RegionLima:
		cityScene(s, pal, r)
	default:
		retabloScene(s, pal, r)
	}
	// The craft's badge.
	s.circle(344, 246, 44, "#fffaf0", "stroke", pal.a, "stroke-width", 5)
	s.place(344, 246, 0.66, 50, 50, false)
	iconBody(s, g.Craft)
	s.end("g")
	return s.bytes()
}

func sky(s *svg, r *rng, colour string) {
	s.rect(0, 0, 400, 300, colour)
	s.circle(r.between(40, 260), r.between(42, 70), 24, "#f2c14e")
	cx := r.between(60, 340)
	s.path(pf("M%s 60h70a14 14 0 0 0 -22 -16a18 18 0 0 0 -32 -2a12 12 0 0 0 -16 18z", cx), "#fff", "fill-opacity", ".8")
}

// mountains draws a range with n peaks between y levels base and top.
func mountains(s *svg, r *rng, base, top float64, n int, fill string, snow bool) {
	var b, caps strings.Builder
	b.WriteString(pf("M0 %s", base))
	step := 400 / float64(n)
	for i := 0; i < n; i++ {
		px := step*float64(i) + step/2 + r.between(-step/5, step/5)
		py := top + r.between(0, (base-top)*0.4)
		b.WriteString(pf("L%s %sL%s %s", px, py, step*float64(i+1), base-r.between(0, 20)))
		if snow {
			caps.WriteString(pf("M%s %sL%s %sL%s %sl-7 -5l-7 6l-6 -5z", px-16, py+16, px, py, px+16, py+16))
		}
	}
	b.WriteString(pf("L400 %sV300H0Z", base))
	s.path(b.String(), fill)
	if snow {
		s.path(caps.String(), "#fff")
	}
}

func lakeScene(s *svg, pal palette, r *rng) {
	sky(s, r, "#cfe6f2")
	mountains(s, r, 196, 90, 4, "#8fa5b8", true)
	mountains(s, r, 206, 150, 3, "#9c8a5a", false)
	s.rect(0, 200, 400, 64, "#3a78a8")
	s.line("M30 214h60M150 222h80M260 212h50M60 238h70M210 244h90", "#fff", 2, "stroke-opacity", ".45")
	bx := r.between(80, 200)
	s.path(pf("M%s 226Q%s 244 %s 226Q%s 234 %s 234Q%s 234 %s 226Z", bx, bx+40, bx+84, bx+64, bx+42, bx+20, bx), "#d9b45a", "stroke", ink, "stroke-width", 1.5)
	s.path(pf("M%s 228V196L%s 222Z", bx+44, bx+66), pal.a)
	s.path("M0 262Q200 246 400 264V300H0Z", "#b49a62")
	reeds(s, r, 10, 250, 120)
}

func reeds(s *svg, r *rng, x0, y, w float64) {
	var b strings.Builder
	for x := x0; x < x0+w; x += 7 {
		b.WriteString(pf("M%s %sl%s -%s", x, y+12, r.between(-4, 4), r.between(14, 26)))
	}
	s.line(b.String(), "#6d7a36", 2)
}

func altiplanoScene(s *svg, pal palette, r *rng, town bool) {
	sky(s, r, "#d4e9f4")
	mountains(s, r, 186, 80, 3, "#8da0b4", true)
	s.path("M0 190Q200 176 400 192V300H0Z", "#c2a868")
	s.path("M0 236Q160 222 400 240V300H0Z", "#ad9250")
	var ichu strings.Builder
	for i := 0; i < 14; i++ {
		x, y := r.between(10, 290), r.between(200, 280)
		ichu.WriteString(pf("M%s %sl-6 -12M%s %sl0 -15M%s %sl6 -12", x, y, x, y, x, y))
	}
	s.line(ichu.String(), "#7d6a2c", 2)
	hx := r.between(50, 170)
	if town {
		// Pucará's church on the plain.
		s.place(hx-10, 198, 0.3, 0, 0, false)
		simpleChurch(s, "#e9d3b0", pal.a)
		s.end("g")
	} else {
		// Adobe houses around Juliaca.
		for i := 0; i < 3+r.intn(3); i++ {
			x := hx + float64(i)*34 + r.between(-6, 6)
			y := 172 + r.between(-4, 8)
			s.rect(x, y, 30, 22, []string{"#b98a5a", "#a8704a", "#c9a27a"}[r.intn(3)], "stroke", ink, "stroke-width", 1.2)
			s.path(pf("M%s %sL%s %sL%s %sZ", x-3, y+1, x+15, y-12, x+33, y+1), []string{pal.a, tile, "#8a8a8a"}[r.intn(3)], "stroke", ink, "stroke-width", 1.2)
			s.rect(x+11, y+10, 8, 12, ink)
		}
	}
	lx := r.between(220, 260)
	llama(s, lx, 236+r.between(0, 20), 0.42, cream, ink, r.intn(2) == 0)
	llama(s, lx-50, 244+r.between(0, 20), 0.36, "#8a5a3b", ink, r.intn(2) == 0)
}

func valleyScene(s *svg, pal palette, r *rng) {
	sky(s, r, "#d6ecf5")
	mountains(s, r, 150, 70, 3+r.intn(3), "#9db0c0", false)
	s.rect(0, 146, 400, 154, "#8fb356")
	// The fields of the valley floor, wider as they come closer.
	cols := []string{"#9dbb5b", "#c9b348", "#7ea94e", "#d7c474", "#6f9a45", "#b8c46a"}
	y := 146.0
	for row := 0; y < 300; row++ {
		h := 14 + float64(row)*6
		w := 56 + float64(row)*16
		shift := r.between(-w/2, 0)
		var fields [3]strings.Builder
		for x := shift; x < 400; x += w {
			fields[r.intn(3)].WriteString(pf("M%s %sh%sl%s %sh%sz", x, y, w-2, w*0.08, h-2, -w+2))
		}
		for i := range fields {
			if fields[i].Len() > 0 {
				s.path(fields[i].String(), cols[(i*2+row)%len(cols)])
			}
		}
		y += h
	}
	rx := r.between(180, 230)
	s.line(pf("M%s 146Q%s 186 %s 212T%s 300", rx, rx+r.between(-60, 60), rx+r.between(-30, 30), rx+r.between(-80, 80)), "#4a8fc0", 9)
	lh, rh := r.between(90, 140), r.between(90, 140)
	s.path(pf("M0 %sQ%s %s %s 300H0Z", lh, r.between(70, 110), lh+r.between(10, 40), r.between(110, 170)), "#5f8f4a")
	s.path(pf("M400 %sQ%s %s %s 300H400Z", rh, r.between(290, 330), rh+r.between(10, 40), r.between(240, 290)), "#6e9a52")
	var trunks strings.Builder
	var crowns strings.Builder
	for i, n := 0, 4+r.intn(4); i < n; i++ {
		x := r.between(10, 90)
		if i%2 == 1 {
			x = 400 - x
		}
		y := r.between(170, 240)
		trunks.WriteString(pf("M%s %sv22", x, y))
		crowns.WriteString(pf("M%s %sa10 20 0 1 0 0.1 0", x, y-28))
	}
	s.line(trunks.String(), wood, 4)
	s.path(crowns.String(), "#2f5a2e")
	for i, n := 0, 2+r.intn(3); i < n; i++ {
		x, y := r.between(120, 270), r.between(160, 240)
		s.rect(x, y, 18, 12, "#c49a6c", "stroke", ink, "stroke-width", 1)
		s.path(pf("M%s %sL%s %sL%s %sZ", x-3, y+1, x+9, y-8, x+21, y+1), []string{tile, pal.a}[i%2])
	}
}

func cityScene(s *svg, pal palette, r *rng) {
	s.rect(0, 0, 400, 300, "#e4ddd2")
	s.circle(r.between(60, 300), 56, 22, "#f1e7d2")
	hill := [][2]float64{{0, 176}, {60, 124}, {120, 150}, {190, 96}, {260, 138}, {330, 114}, {400, 146}}
	for i := range hill {
		hill[i][1] += r.between(-10, 10)
	}
	var b strings.Builder
	for i, p := range hill {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		b.WriteString(cmd + pf("%s %s", p[0], p[1]))
	}
	s.path(b.String()+"V300H0Z", "#b59c7c")
	at := func(x float64) float64 {
		for i := 1; i < len(hill); i++ {
			if x <= hill[i][0] {
				t := (x - hill[i-1][0]) / (hill[i][0] - hill[i-1][0])
				return hill[i-1][1] + t*(hill[i][1]-hill[i-1][1])
			}
		}
		return hill[len(hill)-1][1]
	}
	// Houses climbing the hills, grouped by colour.
	houses := []string{pal.a, pal.b, pal.c, pal.d, "#e8d9b5", "#c9b8a0", "#8fb3a8"}
	byColour := make([]strings.Builder, len(houses))
	var windows strings.Builder
	for x := 6.0; x < 396; x += 22 {
		top := at(x+8) + 6
		for row := 0; row < 3 && top+float64(row)*18 < 210; row++ {
			y := top + float64(row)*18 + r.between(0, 4)
			byColour[r.intn(len(houses))].WriteString(pf("M%s %sh16v12h-16z", x, y))
			windows.WriteString(pf("M%s %sh4v4h-4z", x+6, y+4))
		}
	}
	s.open("g", "stroke", ink, "stroke-width", 0.8)
	for i := range houses {
		if byColour[i].Len() > 0 {
			s.path(byColour[i].String(), houses[i])
		}
	}
	s.end("g")
	s.path(windows.String(), ink)
	// the street: low blocks and a church with two towers
	s.rect(0, 214, 400, 86, "#9a8c7e")
	blocks := make([]strings.Builder, 3)
	for x := 0.0; x < 400; x += 34 {
		h := r.between(14, 40)
		blocks[r.intn(3)].WriteString(pf("M%s %sh30v%sh-30z", x, 214-h, h+2))
	}
	s.open("g", "stroke", ink, "stroke-width", 1)
	for i, c := range []string{"#cdbfa8", "#e7dcc5", "#bfae95"} {
		if blocks[i].Len() > 0 {
			s.path(blocks[i].String(), c)
		}
	}
	s.end("g")
	cx := r.between(60, 200)
	s.place(cx, 216, 0.42, 0, 0, false)
	simpleChurch(s, "#f0e6d2", pal.a)
	s.end("g")
	s.rect(0, 262, 400, 38, "#7c7066")
	s.line("M0 280h400", "#f0e6d2", 3, "stroke-dasharray", "18 14")
}

func retabloScene(s *svg, pal palette, r *rng) {
	s.rect(0, 0, 400, 300, pal.bg)
	s.circle(200, 150, 140, mix(pal.bg, pal.a, 0.14))
	body := pal.a
	st := []any{"stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round"}
	s.path("M70 70L200 14L330 70Z", body, st...)
	flower(s, 200, 48, 10, pal.c, cream)
	s.path("M80 66L30 84V270L80 288Z", pal.b, st...)
	s.path("M320 66L370 84V270L320 288Z", pal.b, st...)
	for _, y := range []float64{120, 180, 240} {
		flower(s, 55, y, 9, pal.c, cream)
		flower(s, 345, y, 9, pal.d, cream)
	}
	s.rect(80, 66, 240, 222, body, st...)
	// upper floor: sky, hills and a Huamanga church
	s.rect(92, 78, 216, 100, "#cfe6f2")
	s.path("M92 150L140 112L180 140L236 100L308 146V178H92Z", "#7ea94e")
	s.place(200, 174, 0.38, 0, 0, false)
	simpleChurch(s, "#f5efe2", pal.a)
	s.end("g")
	s.rect(86, 178, 228, 8, body, "stroke", ink, "stroke-width", 1.5)
	// lower floor: the artisans at work
	s.rect(92, 186, 216, 90, mix(cream, pal.b, 0.12))
	robes := []string{pal.b, pal.c, pal.d, cochineal, indigo}
	for i := 0; i < 4; i++ {
		figure(s, 118+float64(i)*44, 268, 62, robes[(i+r.intn(3))%5], pal.c, skin, []string{ink, wood, cream}[r.intn(3)])
	}
	s.rect(250, 236, 40, 32, wood, "stroke", ink, "stroke-width", 1.5)
	s.line("M254 242h32M254 250h32M254 258h32", cream, 2)
}

// ---------------------------------------------------------------- icons

func craftIcon(c models.Craft) []byte {
	titles := map[models.Craft]string{
		models.CraftRetablo: "Retablo", models.CraftTapestry: "Tapiz", models.CraftCeramics: "Cerámica",
		models.CraftStoneCarving: "Piedra de Huamanga", models.CraftGourd: "Mate burilado",
		models.CraftKnitwear: "Tejido de alpaca", models.CraftPucaraBull: "Torito de Pucará",
		models.CraftJewellery: "Joyería de filigrana", models.CraftNativity: "Nacimiento", models.CraftWeaving: "Tejido en telar",
	}
	s := newSVG(100, 100, titles[c])
	iconBody(s, c)
	return s.bytes()
}

// iconBody draws a craft's icon in a 100×100 box, in the shop's colours.
func iconBody(s *svg, c models.Craft) {
	st := []any{"stroke", ink, "stroke-width", 2.5, "stroke-linejoin", "round"}
	switch c {
	case models.CraftRetablo:
		s.path("M20 30L50 8L80 30Z", cochineal, st...)
		s.path("M26 30L8 36V86L26 92Z", indigo, st...)
		s.path("M74 30L92 36V86L74 92Z", indigo, st...)
		s.rect(26, 30, 48, 62, cochineal, st...)
		s.rect(32, 36, 36, 50, cream)
		s.line("M30 60h40", cochineal, 3)
		for _, p := range [][2]float64{{42, 56}, {58, 56}, {38, 84}, {50, 84}, {62, 84}} {
			s.path(pf("M%s %sl4 -12l4 12z", p[0]-4, p[1]), saffron)
			s.circle(p[0], p[1]-14, 3, skin)
		}
	case models.CraftTapestry:
		s.line("M12 14h76", wood, 5)
		s.rect(18, 16, 64, 64, cochineal, st...)
		s.path(stepDiamond(50, 48, 24, 6), saffron)
		s.path(stepDiamond(50, 48, 12, 6), indigo)
		s.line("M24 82v10M32 82v10M40 82v10M48 82v10M56 82v10M64 82v10M72 82v10", cochineal, 2.5)
	case models.CraftCeramics:
		s.place(50, 95, 0.42, 0, 0, false)
		simpleChurch(s, clay, cochineal)
		s.end("g")
	case models.CraftStoneCarving:
		s.path("M18 96V44A32 32 0 0 1 82 44V96Z", indigo)
		virgin(s, 50, 94, 0.44)
	case models.CraftGourd:
		s.ellipse(50, 54, 38, 38, gourdBody, "stroke", gourdRim, "stroke-width", 3)
		s.rect(46, 10, 8, 8, wood)
		s.line("M20 36Q50 44 80 36M14 56Q50 64 86 56M20 76Q50 84 86 72", gourdInk, 2.5)
		s.path("M24 50l5 -8l5 8zM38 52l5 -8l5 8zM52 52l5 -8l5 8zM66 50l5 -8l5 8z", gourdInk)
	case models.CraftKnitwear:
		hat := "M18 64Q20 26 50 12Q80 26 82 64V78Q75 92 68 78V68H32V78Q25 92 18 78Z"
		s.open("clipPath", "id", "ki")
		s.path(hat, "#000")
		s.end("clipPath")
		s.open("g", "clip-path", "url(#ki)")
		for i, col := range []string{cochineal, cream, indigo, cream, saffron, cochineal} {
			s.rect(10, 10+float64(i)*14, 80, 14.5, col)
		}
		s.end("g")
		s.path(hat, "none", st...)
		s.line("M25 86v10M75 86v10", saffron, 3)
		s.circle(50, 11, 6, indigo)
	case models.CraftPucaraBull:
		s.place(52, 56, 0.36, 200, 165, false)
		smallBull(s, "#b5532f", cream)
		s.end("g")
	case models.CraftJewellery:
		s.line("M50 22Q48 12 56 6Q66 2 64 12", silverShade, 2.5)
		s.circle(50, 26, 4, "none", "stroke", silverShade, "stroke-width", 2.5)
		s.circle(50, 56, 24, "none", "stroke", silverShade, "stroke-width", 3)
		for k := 0; k < 6; k++ {
			a := float64(k) * math.Pi / 3
			s.circle(50+math.Cos(a)*13, 56+math.Sin(a)*13, 6, "none", "stroke", silverShade, "stroke-width", 2)
		}
		s.circle(50, 56, 5, cochineal)
		s.path("M50 82Q60 90 50 98Q40 90 50 82Z", "none", "stroke", silverShade, "stroke-width", 2.5)
	case models.CraftNativity:
		s.path("M10 96V44A40 36 0 0 1 90 44V96", cream, "stroke", cochineal, "stroke-width", 6)
		star(s, 50, 22, 8, saffron, ink)
		s.place(50, 94, 0.5, 0, 0, false)
		nativity(s, palette{a: cochineal, b: indigo, c: saffron, d: green}, "paint")
		s.end("g")
	case models.CraftWeaving:
		s.open("g", "transform", "rotate(-20 50 50)")
		s.rect(4, 36, 92, 28, cochineal, st...)
		s.rect(4, 39, 92, 3, saffron)
		s.rect(4, 58, 92, 3, saffron)
		s.path("M14 50l7 -7l7 7l-7 7zM34 50l7 -7l7 7l-7 7zM54 50l7 -7l7 7l-7 7zM74 50l7 -7l7 7l-7 7z", cream)
		s.end("g")
	}
}
