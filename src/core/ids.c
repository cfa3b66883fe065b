/* SPDX-License-Identifier: Apache-2.0 */
#include "ids.h"

#include <nettle/sha2.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bool ids_init(void)
{
    return sodium_init() >= 0;
}

static void format_uuid(const unsigned char b[16], char out[UUID_STR_LEN])
{
    snprintf(out, UUID_STR_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

void ids_uuid_new(char out[UUID_STR_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* RFC 9562 §5.4: version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
    format_uuid(b, out);
}

void ids_uuid_v7_new(char out[UUID_STR_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(ms >> (40 - 8 * i));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x70); /* RFC 9562 §5.7: version 7 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
    format_uuid(b, out);
}

bool ids_uuid_valid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

void ids_token_new(char out[TOKEN_STR_LEN])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof(b));
    sodium_bin2base64(out, TOKEN_STR_LEN, b, sizeof(b), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(b, sizeof(b));
}

void ids_sha256_hex(const char *s, size_t len, char out[SHA256_HEX_LEN])
{
    struct sha256_ctx ctx;
    uint8_t h[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)s);
    sha256_digest(&ctx, sizeof h, h);
    sodium_bin2hex(out, SHA256_HEX_LEN, h, sizeof(h));
}

bool ids_equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}
