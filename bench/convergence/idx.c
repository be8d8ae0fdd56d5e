/* idx.c - see idx.h. */
#include "idx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *idx_strerror(idx_status s) {
  static const char *const msg[IDX_STATUS_COUNT] = {
      "ok",
      "cannot open file",
      "corrupt gzip data",
      "truncated file",
      "wrong magic number",
      "bad dimensions",
      "label out of range",
      "image and label counts differ",
      "out of memory",
  };
  return (unsigned)s < IDX_STATUS_COUNT ? msg[s] : "unknown idx status";
}

static idx_status fail(char *err, size_t errlen, idx_status s, const char *path, const char *fmt,
                       ...) {
  if (err && errlen) {
    int k = snprintf(err, errlen, "%s: %s: ", path ? path : "(null)", idx_strerror(s));
    if (k >= 0 && (size_t)k < errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return s;
}

/* Reads exactly len bytes. On a short read tells a damaged compressed
 * stream (IDX_EGZIP) from a plain early end (IDX_ETRUNC). */
static idx_status read_exact(gzFile f, void *buf, size_t len, const char *path, const char *what,
                             char *err, size_t errlen) {
  unsigned char *p = buf;
  size_t done = 0;
  while (done < len) {
    const size_t want = len - done > (1u << 30) ? (1u << 30) : len - done;
    const int got = gzread(f, p + done, (unsigned)want);
    if (got < 0 || (got == 0 && done < len)) {
      int zerr = Z_OK;
      const char *zmsg = gzerror(f, &zerr);
      if (zerr == Z_DATA_ERROR || zerr == Z_STREAM_ERROR || zerr == Z_ERRNO || zerr == Z_MEM_ERROR)
        return fail(err, errlen, zerr == Z_MEM_ERROR ? IDX_ENOMEM : IDX_EGZIP, path,
                    "reading the %s: zlib: %s", what, zmsg ? zmsg : "zlib error");
      /* Z_BUF_ERROR: the compressed stream ended early; Z_OK: plain EOF */
      return fail(err, errlen, IDX_ETRUNC, path, "the %s ends after %zu of %zu bytes%s%s", what,
                  done, len, zerr == Z_BUF_ERROR ? " (compressed stream cut short: " : "",
                  zerr == Z_BUF_ERROR ? "unexpected end of gzip data)" : "");
    }
    done += (size_t)got;
  }
  return IDX_OK;
}

static uint32_t be32(const unsigned char b[4]) {
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Opens path, checks the magic, reads the dims (ndims of them). */
static idx_status open_header(const char *path, uint32_t magic, int ndims, uint32_t dims[3],
                              gzFile *out, char *err, size_t errlen) {
  *out = NULL;
  if (!path)
    return fail(err, errlen, IDX_EOPEN, path, "no path given");
  errno = 0;
  gzFile f = gzopen(path, "rb");
  if (!f)
    return fail(err, errlen, errno == ENOMEM ? IDX_ENOMEM : IDX_EOPEN, path, "%s",
                errno ? strerror(errno) : "gzopen failed");
  gzbuffer(f, 1u << 17);
  unsigned char h[16];
  idx_status s = read_exact(f, h, 4, path, "magic number", err, errlen);
  if (s != IDX_OK) {
    gzclose(f);
    return s;
  }
  const uint32_t m = be32(h);
  if (m != magic) {
    gzclose(f);
    return fail(
        err, errlen, IDX_EMAGIC, path, "0x%08x, want 0x%08x (%s)", (unsigned)m, (unsigned)magic,
        magic == IDX_MAGIC_IMAGES ? "uint8 images, 3 dimensions" : "uint8 labels, 1 dimension");
  }
  s = read_exact(f, h + 4, 4 * (size_t)ndims, path, "header", err, errlen);
  if (s != IDX_OK) {
    gzclose(f);
    return s;
  }
  for (int i = 0; i < ndims; i++) {
    dims[i] = be32(h + 4 + 4 * i);
    if (dims[i] == 0) {
      gzclose(f);
      return fail(err, errlen, IDX_ESHAPE, path, "dimension %d is 0", i);
    }
  }
  *out = f;
  return IDX_OK;
}

/* After the data: the stream must end here, with a good CRC. */
static idx_status expect_end(gzFile f, const char *path, char *err, size_t errlen) {
  unsigned char extra;
  const int got = gzread(f, &extra, 1);
  if (got == 1)
    return fail(err, errlen, IDX_ESHAPE, path,
                "bytes after the data the header declares (header and size disagree)");
  int zerr = Z_OK;
  const char *zmsg = gzerror(f, &zerr);
  if (got < 0 || (zerr != Z_OK && zerr != Z_BUF_ERROR))
    return fail(err, errlen, IDX_EGZIP, path, "at the end of the data: %s",
                zmsg ? zmsg : "zlib error");
  if (zerr == Z_BUF_ERROR)
    return fail(err, errlen, IDX_ETRUNC, path,
                "the gzip stream is cut short after the data (no trailer)");
  return IDX_OK;
}

static idx_status close_with(gzFile f, idx_status s, const char *path, char *err, size_t errlen) {
  const int rc = gzclose(f);
  if (s == IDX_OK && rc != Z_OK)
    return fail(err, errlen, IDX_EGZIP, path, "gzclose failed (%d)", rc);
  return s;
}

idx_status idx_read_images(const char *path, idx_images *out, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  if (!out)
    return fail(err, errlen, IDX_EOPEN, path, "no output given");
  memset(out, 0, sizeof *out);
  uint32_t d[3];
  gzFile f;
  idx_status s = open_header(path, IDX_MAGIC_IMAGES, 3, d, &f, err, errlen);
  if (s != IDX_OK)
    return s;
  const size_t n = d[0], rows = d[1], cols = d[2];
  if (rows > 4096 || cols > 4096 || n > IDX_MAX_BYTES / (rows * cols))
    return close_with(f,
                      fail(err, errlen, IDX_ESHAPE, path,
                           "%zu images of %zu x %zu is more than %zu bytes", n, rows, cols,
                           IDX_MAX_BYTES),
                      path, err, errlen);
  const size_t total = n * rows * cols;
  unsigned char *raw = malloc(total);
  float *px = malloc(total * sizeof *px);
  if (!raw || !px) {
    free(raw);
    free(px);
    return close_with(f, fail(err, errlen, IDX_ENOMEM, path, "%zu pixels", total), path, err,
                      errlen);
  }
  s = read_exact(f, raw, total, path, "pixel data", err, errlen);
  if (s == IDX_OK)
    s = expect_end(f, path, err, errlen);
  s = close_with(f, s, path, err, errlen);
  if (s != IDX_OK) {
    free(raw);
    free(px);
    return s;
  }
  for (size_t i = 0; i < total; i++)
    px[i] = (float)raw[i] / 255.0f;
  free(raw);
  out->n = n;
  out->rows = rows;
  out->cols = cols;
  out->pixels = px;
  return IDX_OK;
}

idx_status idx_read_labels(const char *path, idx_labels *out, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  if (!out)
    return fail(err, errlen, IDX_EOPEN, path, "no output given");
  memset(out, 0, sizeof *out);
  uint32_t d[3];
  gzFile f;
  idx_status s = open_header(path, IDX_MAGIC_LABELS, 1, d, &f, err, errlen);
  if (s != IDX_OK)
    return s;
  const size_t n = d[0];
  if (n > IDX_MAX_BYTES)
    return close_with(f, fail(err, errlen, IDX_ESHAPE, path, "%zu labels is too many", n), path,
                      err, errlen);
  uint8_t *lab = malloc(n);
  if (!lab)
    return close_with(f, fail(err, errlen, IDX_ENOMEM, path, "%zu labels", n), path, err, errlen);
  s = read_exact(f, lab, n, path, "labels", err, errlen);
  if (s == IDX_OK)
    s = expect_end(f, path, err, errlen);
  s = close_with(f, s, path, err, errlen);
  for (size_t i = 0; s == IDX_OK && i < n; i++)
    if (lab[i] > 9)
      s = fail(err, errlen, IDX_ELABEL, path, "label %u at index %zu (want 0..9)", lab[i], i);
  if (s != IDX_OK) {
    free(lab);
    return s;
  }
  out->n = n;
  out->labels = lab;
  return IDX_OK;
}

idx_status idx_read_set(const char *images_path, const char *labels_path, idx_set *out, char *err,
                        size_t errlen) {
  if (!out)
    return fail(err, errlen, IDX_EOPEN, images_path, "no output given");
  memset(out, 0, sizeof *out);
  idx_status s = idx_read_images(images_path, &out->x, err, errlen);
  if (s == IDX_OK)
    s = idx_read_labels(labels_path, &out->y, err, errlen);
  if (s == IDX_OK && out->x.n != out->y.n)
    s = fail(err, errlen, IDX_ECOUNT, labels_path, "%zu labels, but %s holds %zu images", out->y.n,
             images_path, out->x.n);
  if (s != IDX_OK)
    idx_free_set(out);
  return s;
}

void idx_free_images(idx_images *x) {
  if (x) {
    free(x->pixels);
    memset(x, 0, sizeof *x);
  }
}

void idx_free_labels(idx_labels *y) {
  if (y) {
    free(y->labels);
    memset(y, 0, sizeof *y);
  }
}

void idx_free_set(idx_set *s) {
  if (s) {
    idx_free_images(&s->x);
    idx_free_labels(&s->y);
  }
}
