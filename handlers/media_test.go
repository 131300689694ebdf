package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ciap/qhatu/models"
	"github.com/ciap/qhatu/models/dbtest"
	"gorm.io/gorm"
)

// Pictures live in the database: one uploaded on instance A is served by
// instance B (another server on the same database, with no shared disk)
// byte for byte, named by its hash, with a strong ETag that answers 304
// and a cache that never needs to ask again.
func TestMedia_UploadOnOneInstanceServedByAnother(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := newAdminShop(t, db)
		b := newTestServer(t, db)
		staff, _ := a.signInAs(t, models.RoleStaff)

		var buf bytes.Buffer
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for x := range 64 {
			for y := range 48 {
				img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), uint8(x ^ y), 255})
			}
		}
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		pic := buf.Bytes()
		sum := sha256.Sum256(pic)
		hash := hex.EncodeToString(sum[:])

		res := upload(t, staff, a.path("/image"), "telar.jpg", strconv.FormatInt(a.product.LockVersion, 10), pic)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload on A: %d %.300s", res.Status, res.Body)
		}
		a.reload(t)
		name, ok := models.MediaName(a.product.Image)
		if !ok || name != hash[:32]+".jpg" {
			t.Fatalf("product image %q, want media/%s.jpg (named by its hash)", a.product.Image, hash[:32])
		}

		anon := b.client(t)
		got := anon.Get("/media/" + name)
		h := got.Header
		if got.Status != http.StatusOK || got.Body != string(pic) {
			t.Fatalf("B serves %d, %d bytes; want 200 and the %d uploaded bytes", got.Status, len(got.Body), len(pic))
		}
		want := map[string]string{"Content-Type": "image/jpeg", "ETag": `"` + hash + `"`,
			"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
		for k, v := range want {
			if h.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, h.Get(k), v)
			}
		}

		// A cache revalidating with the ETag gets a 304 with no body.
		req, err := http.NewRequest(http.MethodGet, b.URL+"/media/"+name, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("If-None-Match", `"`+hash+`"`)
		if again := anon.Do(req); again.Status != http.StatusNotModified || again.Body != "" {
			t.Errorf("If-None-Match: %d, %d bytes; want 304 and none", again.Status, len(again.Body))
		}

		// The same picture uploaded again is stored once, under one name.
		res = upload(t, staff, a.path("/image"), "copia.jpg", strconv.FormatInt(a.product.LockVersion, 10), pic)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("second upload: %d %.300s", res.Status, res.Body)
		}
		var blobs, records int64
		db.Table("media_blobs").Count(&blobs)
		db.Table("media").Count(&records)
		if blobs != 1 || records != 1 {
			t.Errorf("%d blobs, %d media records after the same picture twice; want 1 and 1", blobs, records)
		}
		for _, bad := range []string{strings.Repeat("f", 32) + ".jpg", hash[:32] + ".png"} {
			if res := anon.Get("/media/" + bad); res.Status != http.StatusNotFound {
				t.Errorf("/media/%s: %d, want 404", bad, res.Status)
			}
		}
	})
}
