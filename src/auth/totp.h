/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUTH_TOTP_H
#define TSUNAGU_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/errors.h"

/* RFC 6238 with the defaults every authenticator app supports: HMAC-SHA-1, 30 s, 6 digits. */
#define TOTP_PERIOD 30
#define TOTP_DIGITS 6
/** Largest window totp_verify() accepts (steps either side of now). */
#define TOTP_WINDOW_MAX 10

/** Buffer size for a base32 secret; a 160-bit secret takes 32 characters and the NUL. */
#define TOTP_SECRET_B32_MAX 64

/**
 * Writes a new random 160-bit secret (libsodium randombytes_buf) into out as RFC 4648 §6
 * base32, upper-case, without padding (32 characters) and NUL-terminated. The raw bytes are
 * wiped before return. Fails with ERR_INTERNAL if libsodium cannot initialise; out is then "".
 */
bool totp_secret_new(struct error *err, char out[TOTP_SECRET_B32_MAX]);

/**
 * Writes the 6-digit code (NUL-terminated) for Unix time t into out, for tests and tools.
 * Fails with ERR_FIELD_VALUE if secret_b32 is not base32 or t is negative, ERR_INTERNAL if
 * liboath fails; out is then "". The detail never contains the secret.
 */
bool totp_code_at(struct error *err, const char *secret_b32, time_t t, char out[7]);

/**
 * True if code (exactly 6 ASCII digits, nothing else) is the code of one of the time steps
 * now/30 - window .. now/30 + window. Every step in the window is computed and compared in
 * constant time; if codes of two steps collide, the step nearest to now wins. On success and
 * if step is not NULL, *step receives the matched time step (t/30), so the caller can refuse
 * a step <= the last one used (RFC 6238 §5.2). False, with *step untouched, on a mismatch, a
 * malformed code or secret, now < 0 or window outside 0..TOTP_WINDOW_MAX.
 */
bool totp_verify(const char *secret_b32, const char *code, time_t now, int window, int64_t *step);

/**
 * The Key URI for authenticator apps:
 * otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30,
 * with issuer and account (non-empty UTF-8) percent-encoded byte by byte (RFC 3986 §2.1; only
 * unreserved characters stay as they are). Returns a malloc'd string the caller frees, or NULL
 * if an argument is NULL or empty, issuer or account is not valid UTF-8, the secret is not
 * upper-case base32, or memory runs out.
 */
char *totp_otpauth_uri(const char *issuer, const char *account, const char *secret_b32);

/**
 * An SVG image of the QR code of text (libqrencode, 8-bit mode, error correction level M):
 * one black <path> on a white <rect>, a 4-module quiet zone, sized by viewBox only (one unit
 * per module) so CSS sets its size, no scripts and no external references. Returns a malloc'd
 * NUL-terminated string the caller frees, or NULL if text is NULL, empty or too long for a QR
 * code, or memory runs out.
 */
char *totp_qr_svg(const char *text);

#define RECOVERY_CODE_COUNT 10
#define RECOVERY_CODE_LEN 15 /* "xxxx-xxxx-xxxx" + NUL */

/**
 * Fills codes with ten distinct random recovery codes, each 12 characters of the unambiguous
 * alphabet "23456789abcdefghjkmnpqrstuvwxyz" (no 0/o, 1/l/i; about 59 bits) grouped as
 * xxxx-xxxx-xxxx and NUL-terminated. Store only a hash of their canonical form. Fails with
 * ERR_INTERNAL if libsodium cannot initialise; codes are then all "".
 */
bool totp_recovery_codes_new(struct error *err, char codes[RECOVERY_CODE_COUNT][RECOVERY_CODE_LEN]);

/**
 * Canonical form of a recovery code as typed by a user: ASCII letters lower-cased, spaces and
 * hyphens removed. Because Japanese input methods often type full width, full-width ASCII
 * (U+FF01–U+FF5E) is read as ASCII, the ideographic space U+3000 as a space, and the dash
 * look-alikes U+2010–U+2015, U+2212, U+30FC and U+FF70 as hyphens. Writes the 12 characters
 * and a NUL into out (cap bytes, at least 13). False, with out set to "" when cap > 0, if input
 * is NULL or not valid UTF-8, or the result is not exactly 12 characters of the alphabet.
 */
bool totp_recovery_code_canonical(const char *input, char *out, size_t cap);

#endif
