/* The IDX reader (experiments/convergence/idx.c) on crafted files in a temporary
 * directory: a good set reads back; a missing file, wrong magic, truncated
 * header or data, a gzip stream cut short, corrupt deflate data, a bad CRC,
 * bytes after the data or after the gzip stream, a zero dimension, a label
 * over 9, image/label counts that differ and a header declaring far more
 * than the file holds each give their status and a message naming the
 * file. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "as_limit.h"
#include "idx.h"
#include "test_util.h"

static char dir[128]; /* /tmp/test_conv_idx.<6 characters> */
static char path_buf[32][512];
static int npath;

static const char *path_of(const char *name) {
  char *p = path_buf[npath++ % 32];
  snprintf(p, 512, "%s/%s", dir, name);
  return p;
}

static void be32(unsigned char *b, uint32_t v) {
  b[0] = (unsigned char)(v >> 24), b[1] = (unsigned char)(v >> 16), b[2] = (unsigned char)(v >> 8),
  b[3] = (unsigned char)v;
}

/* an IDX image file: magic, n, rows, cols, then `have` pixel bytes */
static size_t images(unsigned char *b, uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols,
                     size_t have) {
  be32(b, magic), be32(b + 4, n), be32(b + 8, rows), be32(b + 12, cols);
  for (size_t i = 0; i < have; i++)
    b[16 + i] = (unsigned char)(i * 37);
  return 16 + have;
}

static size_t labels(unsigned char *b, uint32_t n, size_t have, unsigned char bad_at) {
  be32(b, IDX_MAGIC_LABELS), be32(b + 4, n);
  for (size_t i = 0; i < have; i++)
    b[8 + i] = i == bad_at ? 10 : (unsigned char)(i % 10);
  return 8 + have;
}

static const char *write_gz(const char *name, const unsigned char *b, size_t n) {
  const char *p = path_of(name);
  gzFile f = gzopen(p, "wb");
  CHECK(f && gzwrite(f, b, (unsigned)n) == (int)n && gzclose(f) == Z_OK, "writing %s", p);
  return p;
}

static const char *write_raw(const char *name, const unsigned char *b, size_t n) {
  const char *p = path_of(name);
  FILE *f = fopen(p, "wb");
  CHECK(f && fwrite(b, 1, n, f) == n && fclose(f) == 0, "writing %s", p);
  return p;
}

/* the compressed bytes of a gz file written from b */
static size_t gz_bytes(const unsigned char *b, size_t n, unsigned char *out, size_t cap) {
  const char *p = write_gz("tmp.gz", b, n);
  FILE *f = fopen(p, "rb");
  const size_t got = f ? fread(out, 1, cap, f) : 0;
  if (f)
    fclose(f);
  return got;
}

static void expect(const char *what, idx_status got, idx_status want, const char *err,
                   const char *file, const char *word) {
  CHECK(got == want, "%s: status %d (%s), want %d (%s); message '%s'", what, got, idx_strerror(got),
        want, idx_strerror(want), err);
  CHECK(strstr(err, file) != NULL, "%s: message '%s' does not name %s", what, err, file);
  CHECK(!word || strstr(err, word) != NULL, "%s: message '%s' does not say '%s'", what, err, word);
  printf("test_conv_idx: %-22s -> %s\n", what, err);
}

/* Appends n bytes to the file at p. */
static void append(const char *p, const void *b, size_t n) {
  FILE *f = fopen(p, "ab");
  CHECK(f && fwrite(b, 1, n, f) == n && fclose(f) == 0, "appending to %s", p);
}

/* idx_read_images or idx_read_labels of a path, for tu_limited: the status */
static int read_images_status(void *p) {
  char err[1024];
  idx_images im;
  const idx_status s = idx_read_images(p, &im, err, sizeof err);
  printf("test_conv_idx: %s (address space limited)\n", err);
  idx_free_images(&im);
  return (int)s;
}

static int read_labels_status(void *p) {
  char err[1024];
  idx_labels lb;
  const idx_status s = idx_read_labels(p, &lb, err, sizeof err);
  printf("test_conv_idx: %s (address space limited)\n", err);
  idx_free_labels(&lb);
  return (int)s;
}

/* 1 GiB: far below the 6.7 GB an allocation from the header would take */
#define READ_LIMIT ((size_t)1 << 30)

int main(void) {
  CHECK(tu_temp_dir(dir, sizeof dir, "test_conv_idx") == 0, "scratch directory");
  static unsigned char b[1 << 16], z[1 << 16];
  char err[1024];
  idx_images im;
  idx_labels lb;
  idx_set set;

  /* good: 3 images of 4 x 5, 3 labels */
  const char *gi = write_gz("good-images.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 4, 5, 60));
  const char *gl = write_gz("good-labels.gz", b, labels(b, 3, 3, 255));
  CHECK(idx_read_set(gi, gl, &set, err, sizeof err) == IDX_OK, "good set: %s", err);
  CHECK(set.x.n == 3 && set.x.rows == 4 && set.x.cols == 5 && set.y.n == 3, "good shape");
  CHECK(set.x.pixels && set.x.pixels[1] == 37.0f / 255.0f && set.y.labels[2] == 2, "good values");
  for (size_t i = 0; set.x.pixels && i < 60; i++)
    CHECK(set.x.pixels[i] >= 0.0f && set.x.pixels[i] <= 1.0f, "pixel %zu in [0, 1]", i);
  idx_free_set(&set);
  /* uncompressed IDX reads too */
  const char *raw = write_raw("plain-images", b, images(b, IDX_MAGIC_IMAGES, 2, 2, 2, 8));
  CHECK(idx_read_images(raw, &im, err, sizeof err) == IDX_OK && im.n == 2, "plain: %s", err);
  idx_free_images(&im);

  const char *missing = path_of("no-such-file.gz");
  expect("missing file", idx_read_images(missing, &im, err, sizeof err), IDX_EOPEN, err, missing,
         "No such file");
  CHECK(im.pixels == NULL && im.n == 0, "empty on failure");

  expect("labels as images", idx_read_images(gl, &im, err, sizeof err), IDX_EMAGIC, err, gl,
         "0x00000801");
  expect("images as labels", idx_read_labels(gi, &lb, err, sizeof err), IDX_EMAGIC, err, gi,
         "0x00000803");
  const char *empty = write_gz("empty.gz", b, 0);
  expect("empty", idx_read_images(empty, &im, err, sizeof err), IDX_ETRUNC, err, empty, "magic");
  const char *shorth = write_gz("short-header.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 4, 5, 0) - 6);
  expect("short header", idx_read_images(shorth, &im, err, sizeof err), IDX_ETRUNC, err, shorth,
         "header");
  const char *shortd = write_gz("short-data.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 4, 5, 59));
  expect("data cut short", idx_read_images(shortd, &im, err, sizeof err), IDX_ETRUNC, err, shortd,
         "59 of 60");
  const char *extra = write_gz("extra.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 4, 5, 61));
  expect("bytes after the data", idx_read_images(extra, &im, err, sizeof err), IDX_ESHAPE, err,
         extra, "after the data");
  const char *zero = write_gz("zero-dim.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 0, 5, 0));
  expect("zero dimension", idx_read_images(zero, &im, err, sizeof err), IDX_ESHAPE, err, zero,
         "dimension 1 is 0");
  const char *huge = write_gz("huge.gz", b, images(b, IDX_MAGIC_IMAGES, 0xffffffffu, 28, 28, 0));
  expect("absurd count", idx_read_images(huge, &im, err, sizeof err), IDX_ESHAPE, err, huge,
         "bytes");
  const char *badl = write_gz("bad-label.gz", b, labels(b, 5, 5, 3));
  expect("label 10", idx_read_labels(badl, &lb, err, sizeof err), IDX_ELABEL, err, badl, "index 3");
  const char *fourl = write_gz("four-labels.gz", b, labels(b, 4, 4, 255));
  expect("count mismatch", idx_read_set(gi, fourl, &set, err, sizeof err), IDX_ECOUNT, err, fourl,
         "4 labels");
  CHECK(strstr(err, gi) != NULL, "count mismatch names the images file too: %s", err);
  CHECK(set.x.pixels == NULL && set.y.labels == NULL, "set empty on failure");

  /* bytes after the gzip stream: junk, or a second (valid) stream */
  const char *junk = write_gz("junk-after.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 4, 5, 60));
  append(junk, "junk", 4);
  expect("junk after the stream", idx_read_images(junk, &im, err, sizeof err), IDX_EGZIP, err, junk,
         "4 bytes after the end of the gzip stream");
  const char *twice = write_gz("two-streams.gz", b, images(b, IDX_MAGIC_IMAGES, 3, 4, 5, 60));
  {
    unsigned char member[256];
    const size_t mn = gz_bytes((const unsigned char *)"x", 1, member, sizeof member);
    append(twice, member, mn);
  }
  expect("a second gzip stream", idx_read_images(twice, &im, err, sizeof err), IDX_EGZIP, err,
         twice, "after the end of the gzip stream");
  CHECK(im.pixels == NULL, "nothing returned with trailing bytes");

  /* a 20-byte file (header and 4 pixels) declaring 1658163 images of 28 x 28,
   * 1.3 GB: it must fail as truncated, having allocated for what is there */
  const char *big = write_gz("big-header.gz", b, images(b, IDX_MAGIC_IMAGES, 1658163, 28, 28, 4));
  const int sbig = tu_limited(READ_LIMIT, read_images_status, (void *)big);
  CHECK(sbig == IDX_ETRUNC, "1.3 GB declared, 4 bytes given: status %d (%s), want %d (%s)", sbig,
        sbig >= 0 ? idx_strerror((idx_status)sbig) : "crashed", IDX_ETRUNC,
        idx_strerror(IDX_ETRUNC));
  expect("1.3 GB declared", idx_read_images(big, &im, err, sizeof err), IDX_ETRUNC, err, big,
         "4 of 1299999792");

  /* the fuzzer's reproducer (fuzz/regressions/idx/oom-header-declares-6gb
   * on h-fuzz): plain IDX, 268435458 images of 2 x 3 declared, 12 bytes */
  static const unsigned char oom[28] = {0x00, 0x00, 0x08, 0x03, 0x10, 0x00, 0x00, 0x02, 0x00, 0x00,
                                        0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x10, 0x80, 0xff,
                                        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xfe};
  const char *fz = write_raw("fuzz-oom", oom, sizeof oom);
  const int sfz = tu_limited(READ_LIMIT, read_images_status, (void *)fz);
  CHECK(sfz == IDX_ETRUNC, "fuzz reproducer: status %d, want %d (%s)", sfz, IDX_ETRUNC,
        idx_strerror(IDX_ETRUNC));
  expect("fuzz: 6.4 GB declared", idx_read_images(fz, &im, err, sizeof err), IDX_ETRUNC, err, fz,
         "12 of 1610612748");

  /* the fuzzer's labels reproducer (oom-labels-header-declares-2gb): 9
   * bytes declaring 2^31 - 1 labels, one given */
  static const unsigned char oom_labels[9] = {0x00, 0x00, 0x08, 0x01, 0x7f, 0xff, 0xff, 0xff, 0x03};
  const char *fzl = write_raw("fuzz-oom-labels", oom_labels, sizeof oom_labels);
  const int sfzl = tu_limited(READ_LIMIT, read_labels_status, (void *)fzl);
  CHECK(sfzl == IDX_ETRUNC, "fuzz labels reproducer: status %d, want %d (%s)", sfzl, IDX_ETRUNC,
        idx_strerror(IDX_ETRUNC));
  expect("fuzz: 2 GB of labels", idx_read_labels(fzl, &lb, err, sizeof err), IDX_ETRUNC, err, fzl,
         "1 of 2147483647");

  /* gzip damage, on 3 x 28 x 28 images of varied bytes (a real deflate stream) */
  const size_t len = images(b, IDX_MAGIC_IMAGES, 3, 28, 28, 3 * 784);
  const size_t zn = gz_bytes(b, len, z, sizeof z);
  CHECK(zn > 40, "compressed %zu bytes", zn);
  const char *cut = write_raw("cut.gz", z, zn / 2);
  const idx_status sc = idx_read_images(cut, &im, err, sizeof err);
  expect("gzip cut in half", sc, IDX_ETRUNC, err, cut, "gzip");
  const char *notrailer = write_raw("no-trailer.gz", z, zn - 8);
  expect("gzip without trailer", idx_read_images(notrailer, &im, err, sizeof err), IDX_ETRUNC, err,
         notrailer, NULL);
  z[zn - 8] ^= 0xff; /* the CRC-32 */
  const char *crc = write_raw("bad-crc.gz", z, zn);
  expect("bad CRC", idx_read_images(crc, &im, err, sizeof err), IDX_EGZIP, err, crc, NULL);
  z[zn - 8] ^= 0xff;
  for (size_t i = 12; i < 20; i++) /* inside the deflate stream */
    z[i] ^= 0x5a;
  const char *bad = write_raw("corrupt.gz", z, zn);
  const idx_status sb = idx_read_images(bad, &im, err, sizeof err);
  CHECK(sb == IDX_EGZIP || sb == IDX_ETRUNC || sb == IDX_EMAGIC, "corrupt deflate: %d", sb);
  expect("corrupt deflate data", sb, sb, err, bad, NULL);
  CHECK(im.pixels == NULL, "nothing returned for corrupt data");

  /* the temporary files */
  const char *names[] = {"good-images.gz",  "good-labels.gz", "plain-images",   "empty.gz",
                         "short-header.gz", "short-data.gz",  "extra.gz",       "zero-dim.gz",
                         "huge.gz",         "bad-label.gz",   "four-labels.gz", "tmp.gz",
                         "cut.gz",          "no-trailer.gz",  "bad-crc.gz",     "corrupt.gz",
                         "junk-after.gz",   "two-streams.gz", "big-header.gz",  "fuzz-oom",
                         "fuzz-oom-labels"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    remove(path_of(names[i]));
  rmdir(dir);
  return ob_test_done("test_conv_idx");
}
