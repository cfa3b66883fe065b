/* SPDX-License-Identifier: Apache-2.0 */
/* Specific Character Set to UTF-8 (PS3.5 §6.1, PS3.3 §C.12.1.1.2): single-byte sets, the
 * ISO 2022 code extensions (escape sequences switch the G0/G1 code elements) and the
 * stand-alone UTF-8, GB18030 and GBK. Each run of bytes in one code element goes through
 * glibc's iconv; JIS X 0201 is mapped here (glibc's SHIFT_JIS turns 0x5C into a yen sign). */
#include "dicom_int.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* What a code element decodes as. */
enum set {
    SET_ASCII,    /* G0: ISO-IR 6 (and JIS X 0201 Roman, ISO-IR 14, the same for text) */
    SET_LATIN1,   /* G1 with no extension: bytes >= 0x80 as Latin-1 (what readers do) */
    SET_ICONV_G1, /* G1: an ISO 8859 part or TIS-620, through iconv */
    SET_KATAKANA, /* G1: JIS X 0201 katakana (ISO-IR 13) */
    SET_JIS0208,  /* G0: JIS X 0208 (ISO-IR 87), two bytes */
    SET_JIS0212,  /* G0: JIS X 0212 (ISO-IR 159), two bytes */
    SET_KSX1001,  /* G1: KS X 1001 (ISO-IR 149), two bytes as EUC-KR */
    SET_GB2312,   /* G1: GB 2312 (ISO-IR 58), two bytes as EUC-CN */
    SET_WHOLE,    /* stand-alone (UTF-8, GB18030, GBK): the whole value through iconv */
};

struct term {
    const char *name;   /* the Defined Term of (0008,0005) */
    const char *escape; /* its escape sequence (after ESC), "" for none */
    bool g0;            /* designates G0 (else G1) */
    enum set set;
    const char *iconv_name; /* for SET_ICONV_G1 and SET_WHOLE */
};

static const struct term TERMS[] = {
    {"ISO_IR 6", "(B", true, SET_ASCII, NULL},
    {"ISO 2022 IR 6", "(B", true, SET_ASCII, NULL},
    {"ISO_IR 100", "-A", false, SET_ICONV_G1, "ISO-8859-1"},
    {"ISO_IR 101", "-B", false, SET_ICONV_G1, "ISO-8859-2"},
    {"ISO_IR 109", "-C", false, SET_ICONV_G1, "ISO-8859-3"},
    {"ISO_IR 110", "-D", false, SET_ICONV_G1, "ISO-8859-4"},
    {"ISO_IR 144", "-L", false, SET_ICONV_G1, "ISO-8859-5"},
    {"ISO_IR 127", "-G", false, SET_ICONV_G1, "ISO-8859-6"},
    {"ISO_IR 126", "-F", false, SET_ICONV_G1, "ISO-8859-7"},
    {"ISO_IR 138", "-H", false, SET_ICONV_G1, "ISO-8859-8"},
    {"ISO_IR 148", "-M", false, SET_ICONV_G1, "ISO-8859-9"},
    {"ISO_IR 203", "-b", false, SET_ICONV_G1, "ISO-8859-15"},
    {"ISO_IR 166", "-T", false, SET_ICONV_G1, "TIS-620"},
    {"ISO_IR 13", ")I", false, SET_KATAKANA, NULL},
    {"ISO 2022 IR 100", "-A", false, SET_ICONV_G1, "ISO-8859-1"},
    {"ISO 2022 IR 101", "-B", false, SET_ICONV_G1, "ISO-8859-2"},
    {"ISO 2022 IR 109", "-C", false, SET_ICONV_G1, "ISO-8859-3"},
    {"ISO 2022 IR 110", "-D", false, SET_ICONV_G1, "ISO-8859-4"},
    {"ISO 2022 IR 144", "-L", false, SET_ICONV_G1, "ISO-8859-5"},
    {"ISO 2022 IR 127", "-G", false, SET_ICONV_G1, "ISO-8859-6"},
    {"ISO 2022 IR 126", "-F", false, SET_ICONV_G1, "ISO-8859-7"},
    {"ISO 2022 IR 138", "-H", false, SET_ICONV_G1, "ISO-8859-8"},
    {"ISO 2022 IR 148", "-M", false, SET_ICONV_G1, "ISO-8859-9"},
    {"ISO 2022 IR 203", "-b", false, SET_ICONV_G1, "ISO-8859-15"},
    {"ISO 2022 IR 166", "-T", false, SET_ICONV_G1, "TIS-620"},
    {"ISO 2022 IR 13", ")I", false, SET_KATAKANA, NULL},
    {"ISO 2022 IR 87", "$B", true, SET_JIS0208, NULL},
    {"ISO 2022 IR 159", "$(D", true, SET_JIS0212, NULL},
    {"ISO 2022 IR 149", "$)C", false, SET_KSX1001, NULL},
    {"ISO 2022 IR 58", "$)A", false, SET_GB2312, NULL},
    {"ISO_IR 192", "", false, SET_WHOLE, "UTF-8"},
    {"GB18030", "", false, SET_WHOLE, "GB18030"},
    {"GBK", "", false, SET_WHOLE, "GBK"},
};

/* JIS X 0201 Roman (ESC ( J) reads as ASCII for text, as pydicom and DCMTK read it. */
static const struct term JIS_ROMAN = {"ISO 2022 IR 14", "(J", true, SET_ASCII, NULL};

static const struct term *term_named(const char *s, size_t n)
{
    while (n && s[n - 1] == ' ')
        n--;
    while (n && *s == ' ')
        s++, n--;
    for (size_t i = 0; i < sizeof(TERMS) / sizeof(TERMS[0]); i++)
        if (strlen(TERMS[i].name) == n && memcmp(TERMS[i].name, s, n) == 0)
            return &TERMS[i];
    /* common misspellings ("ISO_IR_100", "ISO IR 100", "ISO-IR 100") */
    char fixed[32];
    if (n >= 6 && n < sizeof(fixed) && strncmp(s, "ISO", 3) == 0 && s[3] != ' ') {
        memcpy(fixed, s, n);
        fixed[n] = 0;
        fixed[3] = '_';
        if (fixed[6] == '_' || fixed[6] == '-')
            fixed[6] = ' ';
        if (strcmp(fixed, s) != 0 || n != strlen(fixed))
            for (size_t i = 0; i < sizeof(TERMS) / sizeof(TERMS[0]); i++)
                if (strcmp(TERMS[i].name, fixed) == 0)
                    return &TERMS[i];
    }
    return NULL;
}

/* The code elements of a Specific Character Set value: up to 8 terms; unknown ones skipped. */
struct charset {
    const struct term *terms[8];
    int count;
};

static void charset_read(const char *spec, struct charset *cs)
{
    cs->count = 0;
    const char *p = spec ? spec : "";
    for (int i = 0; i < 8; i++) {
        const char *bs = strchr(p, '\\');
        size_t n = bs ? (size_t)(bs - p) : strlen(p);
        const struct term *t = term_named(p, n);
        if (i == 0 && !t)
            t = &TERMS[0]; /* value 1 empty or unknown: the default repertoire */
        if (t && cs->count < 8)
            cs->terms[cs->count++] = t;
        if (!bs)
            break;
        p = bs + 1;
    }
}

/* iconv descriptors are costly to open: one cache per thread, closed when the thread ends (so
 * that a server's worker threads leave nothing behind). */
enum { CACHE_SIZE = 24 };
struct converter_cache {
    const char *name[CACHE_SIZE];
    iconv_t cd[CACHE_SIZE];
};
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
    struct converter_cache *c = p;
    for (int i = 0; i < CACHE_SIZE && c->name[i]; i++)
        iconv_close(c->cd[i]);
    free(c);
}

static void cache_init(void)
{
    pthread_key_create(&cache_key, cache_free);
}

/* A converter to UTF-8 owned by the thread's cache, or (iconv_t)-1. */
static iconv_t converter(const char *name)
{
    pthread_once(&cache_once, cache_init);
    struct converter_cache *c = pthread_getspecific(cache_key);
    if (!c) {
        c = calloc(1, sizeof(*c));
        if (!c || pthread_setspecific(cache_key, c) != 0) {
            free(c);
            return (iconv_t)-1;
        }
    }
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (c->name[i] && strcmp(c->name[i], name) == 0)
            return c->cd[i];
        if (!c->name[i]) {
            iconv_t cd = iconv_open("UTF-8", name);
            if (cd == (iconv_t)-1)
                return cd;
            c->name[i] = name;
            c->cd[i] = cd;
            return cd;
        }
    }
    return (iconv_t)-1; /* not reached: the tables name fewer sets than slots */
}

static void put_replacement(struct strbuf *out)
{
    strbuf_append(out, "\xEF\xBF\xBD", 3);
}

/* Converts bytes in the named charset, replacing what does not convert by U+FFFD. */
static void iconv_append(const char *name, const uint8_t *in, size_t len, struct strbuf *out)
{
    iconv_t cd = converter(name);
    if (cd == (iconv_t)-1) {
        for (size_t i = 0; i < len; i++)
            put_replacement(out);
        return;
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    char buf[512];
    char *src = (char *)in;
    size_t left = len;
    while (left) {
        char *dst = buf;
        size_t room = sizeof(buf);
        size_t rc = iconv(cd, &src, &left, &dst, &room);
        strbuf_append(out, buf, (size_t)(dst - buf));
        if (rc == (size_t)-1 && errno != E2BIG) {
            put_replacement(out); /* EILSEQ or EINVAL: skip one byte */
            src++;
            left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
}

struct state {
    const struct term *g0; /* NULL: ASCII */
    const struct term *g1; /* NULL: Latin-1 for stray high bytes */
};

/* Bytes waiting for one iconv call (a run in one code element). */
struct pending {
    const char *iconv_name;
    uint8_t buf[256];
    size_t n;
};

static void flush(struct pending *pd, struct strbuf *out)
{
    if (pd->n)
        iconv_append(pd->iconv_name, pd->buf, pd->n, out);
    pd->n = 0;
}

static void pend(struct pending *pd, const char *name, const uint8_t *b, size_t n,
                 struct strbuf *out)
{
    if (pd->iconv_name != name || pd->n + n > sizeof(pd->buf))
        flush(pd, out);
    pd->iconv_name = name;
    memcpy(pd->buf + pd->n, b, n);
    pd->n += n;
}

/* An escape sequence at b (b[0] == ESC): the bytes it takes, with st updated; 0 when it
 * designates nothing this Specific Character Set declares. */
static size_t escape(const struct charset *cs, const uint8_t *b, size_t len, struct state *st)
{
    for (int i = -1; i <= cs->count; i++) {
        const struct term *t = i < 0 ? &TERMS[0] : i == cs->count ? &JIS_ROMAN : cs->terms[i];
        size_t n = strlen(t->escape);
        if (!n || len < n + 1 || memcmp(b + 1, t->escape, n) != 0)
            continue;
        if (t == &JIS_ROMAN && !(cs->count && cs->terms[0]->set == SET_KATAKANA)) {
            bool declared = false;
            for (int k = 0; k < cs->count; k++)
                declared |= cs->terms[k]->set == SET_KATAKANA;
            if (!declared)
                continue;
        }
        if (t->g0)
            st->g0 = t->set == SET_ASCII ? NULL : t;
        else
            st->g1 = t;
        return n + 1;
    }
    return 0;
}

/* PS3.5 §6.1.2.5.3: these characters return to the initial code elements. */
static bool resets(enum dicom_vr vr, uint8_t c)
{
    if (c == '\r' || c == '\n' || c == '\t' || c == '\f')
        return true;
    if (c == '\\')
        return vr != DICOM_VR_LT && vr != DICOM_VR_ST && vr != DICOM_VR_UT;
    return vr == DICOM_VR_PN && (c == '^' || c == '=');
}

/* One character in a two-byte G0 set (JIS X 0208/0212): as EUC-JP. Returns bytes taken. */
static size_t two_byte_g0(const struct term *g0, const uint8_t *b, size_t len, struct pending *pd,
                          struct strbuf *out)
{
    if (len < 2 || b[1] < 0x21 || b[1] > 0x7E) {
        flush(pd, out);
        put_replacement(out);
        return 1;
    }
    uint8_t euc[3] = {0x8F, (uint8_t)(b[0] | 0x80), (uint8_t)(b[1] | 0x80)};
    if (g0->set == SET_JIS0212)
        pend(pd, "EUC-JP", euc, 3, out);
    else
        pend(pd, "EUC-JP", euc + 1, 2, out);
    return 2;
}

/* One character at a byte >= 0x80, in the G1 set. Returns bytes taken. */
static size_t high_byte(const struct term *g1, const uint8_t *b, size_t len, struct pending *pd,
                        struct strbuf *out)
{
    if (!g1) {
        pend(pd, "ISO-8859-1", b, 1, out);
        return 1;
    }
    switch (g1->set) {
    case SET_KATAKANA:
        flush(pd, out);
        if (b[0] >= 0xA1 && b[0] <= 0xDF) {
            unsigned cp = 0xFF61u + (b[0] - 0xA1u); /* halfwidth katakana block */
            char u[3] = {(char)(0xE0 | cp >> 12), (char)(0x80 | ((cp >> 6) & 0x3F)),
                         (char)(0x80 | (cp & 0x3F))};
            strbuf_append(out, u, 3);
        } else {
            put_replacement(out);
        }
        return 1;
    case SET_KSX1001:
    case SET_GB2312:
        if (len < 2 || b[1] < 0xA1) {
            flush(pd, out);
            put_replacement(out);
            return 1;
        }
        pend(pd, g1->set == SET_KSX1001 ? "EUC-KR" : "EUC-CN", b, 2, out);
        return 2;
    default:
        pend(pd, g1->iconv_name, b, 1, out);
        return 1;
    }
}

void dicom_charset_decode(const char *charset, enum dicom_vr vr, const uint8_t *bytes, size_t len,
                          struct strbuf *out)
{
    /* plain ASCII reads the same in every supported set: most values, copied at once */
    size_t ascii = 0;
    while (ascii < len && bytes[ascii] < 0x80 && bytes[ascii] != 0x1B)
        ascii++;
    if (ascii == len) {
        strbuf_append(out, (const char *)bytes, len);
        return;
    }
    struct charset cs;
    charset_read(charset, &cs);
    const struct term *first = cs.terms[0];
    if (first->set == SET_WHOLE) {
        iconv_append(first->iconv_name, bytes, len, out);
        return;
    }
    struct state init = {NULL, NULL};
    if (first->g0)
        init.g0 = first->set == SET_ASCII ? NULL : first;
    else
        init.g1 = first;
    struct state st = init;
    struct pending pd = {0};
    size_t i = 0;
    while (i < len) {
        uint8_t c = bytes[i];
        if (c == 0x1B) {
            size_t n = escape(&cs, bytes + i, len - i, &st);
            if (!n) {
                flush(&pd, out);
                put_replacement(out);
                n = 1;
            }
            i += n;
        } else if (c >= 0x80) {
            i += high_byte(st.g1, bytes + i, len - i, &pd, out);
        } else if (st.g0 && c >= 0x21 && c <= 0x7E) {
            i += two_byte_g0(st.g0, bytes + i, len - i, &pd, out);
        } else {
            flush(&pd, out);
            strbuf_append(out, (const char *)&bytes[i], 1);
            if (resets(vr, c))
                st = init;
            i++;
        }
    }
    flush(&pd, out);
}
