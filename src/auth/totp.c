/* SPDX-License-Identifier: Apache-2.0 */
#include "totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/kana.h"

#define SECRET_BYTES 20 // RFC 4226 §4 R6: 160 bits, the HMAC-SHA-1 output length
#define QUIET_ZONE 4    // ISO/IEC 18004 §6.3.8: four modules of white around the symbol
#define RECOVERY_CHARS 12

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

/* ---- secrets ---- */

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_status = OATH_OK;

static void oath_init_once(void)
{
    oath_status = oath_init();
}

static bool oath_ready(void)
{
    pthread_once(&oath_once, oath_init_once);
    return oath_status == OATH_OK;
}

/* RFC 4648 §6, without the "=" padding (none is needed for 20 bytes anyway). */
static void base32_encode(const unsigned char *in, size_t len, char *out)
{
    unsigned buffer = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        buffer = (buffer << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            *out++ = base32_alphabet[(buffer >> bits) & 31];
        }
    }
    if (bits > 0)
        *out++ = base32_alphabet[(buffer << (5 - bits)) & 31];
    *out = '\0';
}

static bool is_base32(const char *s)
{
    if (!s || !*s)
        return false;
    return strspn(s, base32_alphabet) == strlen(s);
}

/* Decodes the secret into a malloc'd key; release it with free_key(). */
static bool decode_key(const char *secret_b32, char **key, size_t *key_len)
{
    *key = NULL;
    *key_len = 0;
    if (!is_base32(secret_b32) || !oath_ready())
        return false;
    if (oath_base32_decode(secret_b32, strlen(secret_b32), key, key_len) != OATH_OK)
        return false;
    if (*key_len == 0) {
        free(*key);
        *key = NULL;
        return false;
    }
    return true;
}

static void free_key(char *key, size_t key_len)
{
    if (key)
        sodium_memzero(key, key_len);
    free(key);
}

bool totp_secret_new(struct error *err, char out[TOTP_SECRET_B32_MAX])
{
    _Static_assert((SECRET_BYTES * 8 + 4) / 5 < TOTP_SECRET_B32_MAX, "secret buffer too small");
    unsigned char raw[SECRET_BYTES];

    out[0] = '\0';
    if (sodium_init() < 0)
        return error_set(err, ERR_INTERNAL, "sodium_init failed");
    randombytes_buf(raw, sizeof(raw));
    base32_encode(raw, sizeof(raw), out);
    sodium_memzero(raw, sizeof(raw));
    return true;
}

/* ---- codes ---- */

static bool code_for_step(const char *key, size_t key_len, int64_t step, char out[7])
{
    time_t t = (time_t)(step * TOTP_PERIOD);
    return oath_totp_generate(key, key_len, t, TOTP_PERIOD, 0, TOTP_DIGITS, out) == OATH_OK;
}

bool totp_code_at(struct error *err, const char *secret_b32, time_t t, char out[7])
{
    char *key;
    size_t key_len;

    out[0] = '\0';
    if (t < 0)
        return error_set(err, ERR_FIELD_VALUE, "TOTP time before 1970");
    if (!oath_ready())
        return error_set(err, ERR_INTERNAL, "oath_init failed");
    if (!decode_key(secret_b32, &key, &key_len))
        return error_set(err, ERR_FIELD_VALUE, "TOTP secret is not base32");
    bool ok = code_for_step(key, key_len, (int64_t)t / TOTP_PERIOD, out);
    free_key(key, key_len);
    if (!ok) {
        out[0] = '\0';
        return error_set(err, ERR_INTERNAL, "oath_totp_generate failed");
    }
    return true;
}

static bool code_well_formed(const char *code)
{
    if (!code)
        return false;
    for (int i = 0; i < TOTP_DIGITS; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return code[TOTP_DIGITS] == '\0';
}

/* Order of preference among matches: now, then -1, +1, -2, +2, ... (a typed code is late). */
static int distance(int offset)
{
    return offset < 0 ? -2 * offset - 1 : 2 * offset;
}

/* The matched step, or -1. All steps are computed and compared whatever matches. */
static int64_t match_step(const char *key, size_t key_len, const char *code, int64_t now_step,
                          int window)
{
    int64_t matched = -1;
    int best = 2 * TOTP_WINDOW_MAX + 1;

    for (int offset = -window; offset <= window; offset++) {
        int64_t step = now_step + offset;
        char expected[TOTP_DIGITS + 1];
        if (step < 0 || !code_for_step(key, key_len, step, expected))
            continue;
        bool same = sodium_memcmp(expected, code, TOTP_DIGITS) == 0;
        sodium_memzero(expected, sizeof(expected));
        if (same && distance(offset) < best) {
            best = distance(offset);
            matched = step;
        }
    }
    return matched;
}

bool totp_verify(const char *secret_b32, const char *code, time_t now, int window, int64_t *step)
{
    char *key;
    size_t key_len;

    if (!code_well_formed(code) || now < 0 || window < 0 || window > TOTP_WINDOW_MAX)
        return false;
    if (!decode_key(secret_b32, &key, &key_len))
        return false;
    int64_t matched = match_step(key, key_len, code, (int64_t)now / TOTP_PERIOD, window);
    free_key(key, key_len);
    if (matched < 0)
        return false;
    if (step)
        *step = matched;
    return true;
}

/* ---- otpauth URI ---- */

/* RFC 3986 §2.3 unreserved characters stay; every other byte becomes %XX. */
static void put_percent_encoded(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            fputc(*p, f);
        else
            fprintf(f, "%%%02X", *p);
    }
}

/* Closes a memory stream; returns its buffer (set by fclose), or NULL if writing failed. */
static char *close_stream(FILE *f, char **buf)
{
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        free(*buf);
        return NULL;
    }
    return *buf;
}

static bool uri_text_ok(const char *s)
{
    return s && *s && utf8_valid(s, strlen(s));
}

char *totp_otpauth_uri(const char *issuer, const char *account, const char *secret_b32)
{
    if (!uri_text_ok(issuer) || !uri_text_ok(account) || !is_base32(secret_b32))
        return NULL;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    fputs("otpauth://totp/", f);
    put_percent_encoded(f, issuer);
    fputc(':', f);
    put_percent_encoded(f, account);
    fprintf(f, "?secret=%s&issuer=", secret_b32);
    put_percent_encoded(f, issuer);
    fprintf(f, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_PERIOD);
    return close_stream(f, &buf);
}

/* ---- QR code as SVG ---- */

/* One subpath per horizontal run of dark modules in row y. */
static void put_row(FILE *f, const QRcode *qr, int y)
{
    const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
    int x = 0;
    while (x < qr->width) {
        if (!(row[x] & 1)) {
            x++;
            continue;
        }
        int start = x;
        while (x < qr->width && (row[x] & 1))
            x++;
        fprintf(f, "M%d %dh%dv1h-%dz", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start);
    }
}

static void put_svg(FILE *f, const QRcode *qr)
{
    int size = qr->width + 2 * QUIET_ZONE;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "shape-rendering=\"crispEdges\">"
            "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
            size, size, size, size);
    for (int y = 0; y < qr->width; y++)
        put_row(f, qr, y);
    fputs("\"/></svg>", f);
}

char *totp_qr_svg(const char *text)
{
    if (!text || !*text)
        return NULL;
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        QRcode_free(qr);
        return NULL;
    }
    put_svg(f, qr);
    QRcode_free(qr);
    return close_stream(f, &buf);
}

/* ---- recovery codes ---- */

static void recovery_code_new(char out[RECOVERY_CODE_LEN])
{
    size_t pos = 0;
    for (int i = 0; i < RECOVERY_CHARS; i++) {
        if (i > 0 && i % 4 == 0)
            out[pos++] = '-';
        out[pos++] = recovery_alphabet[randombytes_uniform(sizeof(recovery_alphabet) - 1)];
    }
    out[pos] = '\0';
}

static bool seen_before(char codes[][RECOVERY_CODE_LEN], int count, const char *code)
{
    for (int i = 0; i < count; i++)
        if (strcmp(codes[i], code) == 0)
            return true;
    return false;
}

bool totp_recovery_codes_new(struct error *err, char codes[RECOVERY_CODE_COUNT][RECOVERY_CODE_LEN])
{
    for (int i = 0; i < RECOVERY_CODE_COUNT; i++)
        codes[i][0] = '\0';
    if (sodium_init() < 0)
        return error_set(err, ERR_INTERNAL, "sodium_init failed");
    for (int i = 0; i < RECOVERY_CODE_COUNT; i++) {
        do
            recovery_code_new(codes[i]);
        while (seen_before(codes, i, codes[i]));
    }
    return true;
}

/* The ASCII character a typed code point stands for, or -1. */
static int typed_ascii(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return cp;
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return cp - 0xFEE0; // full-width ASCII
    if (cp == 0x3000)
        return ' ';
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC || cp == 0xFF70)
        return '-';
    return -1;
}

/* Appends the lower-cased c to out unless it is a separator; false if c does not belong. */
static bool append_recovery_char(int c, char *out, size_t *len)
{
    if (c == ' ' || c == '-')
        return true;
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    if (c <= 0 || !strchr(recovery_alphabet, c) || *len >= RECOVERY_CHARS)
        return false;
    out[(*len)++] = (char)c;
    return true;
}

bool totp_recovery_code_canonical(const char *input, char *out, size_t cap)
{
    char code[RECOVERY_CHARS + 1];
    size_t len = 0;

    if (out && cap > 0)
        out[0] = '\0';
    if (!input || !out || cap < sizeof(code) || !utf8_valid(input, strlen(input)))
        return false;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)input;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0 || !append_recovery_char(typed_ascii(cp), code, &len))
            return false;
        p += n;
    }
    if (len != RECOVERY_CHARS)
        return false;
    code[len] = '\0';
    memcpy(out, code, sizeof(code));
    return true;
}
