// Keying shared by srtpsink.c and srtpgen.c: mediasoup's crypto suite names mapped onto libsrtp2 policies, and the
// base64 of its keyBase64 (master key followed by master salt).
#ifndef PARLEY_SRTPKEYS_H
#define PARLEY_SRTPKEYS_H
#include <srtp2/srtp.h>
#include <stdio.h>
#include <string.h>

#define SRTP_KEY_MAX 64

// Fills the RTP and RTCP crypto policies of the suite; returns the master key + salt length, or 0 if unknown.
static int srtp_suite_policy(const char *suite, srtp_policy_t *policy) {
  if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);
    return 30;
  }
  if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);  // RFC 4568: SRTCP keeps the 80-bit tag
    return 30;
  }
  if (!strcmp(suite, "AEAD_AES_128_GCM")) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtcp);
    return 28;
  }
  if (!strcmp(suite, "AEAD_AES_256_GCM")) {
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtp);
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtcp);
    return 44;
  }
  return 0;
}

static int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes standard padded base64 (as .NET's Convert.ToBase64String writes it); returns the byte count, or -1.
static int base64_decode(const char *text, unsigned char *out, int capacity) {
  int length = 0, bits = 0, chars = 0;
  unsigned accumulator = 0;
  for (; *text && *text != '='; text++, chars++) {
    int v = base64_value(*text);
    if (v < 0) return -1;
    accumulator = (accumulator << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (length == capacity) return -1;
      out[length++] = (unsigned char)(accumulator >> bits);
    }
  }
  int padding = 0;
  for (; *text == '='; text++) padding++;
  if (*text || (chars + padding) % 4 != 0) return -1;
  return length;
}

// Builds a policy for suite + keyBase64 into *policy (key stored in key_out). Returns 0, or -1 with a message on stderr.
static int srtp_policy_from(const char *suite, const char *key_base64, srtp_policy_t *policy, unsigned char *key_out) {
  memset(policy, 0, sizeof *policy);
  int expected = srtp_suite_policy(suite, policy);
  if (!expected) { fprintf(stderr, "unknown SRTP suite %s\n", suite); return -1; }
  int length = base64_decode(key_base64, key_out, SRTP_KEY_MAX);
  if (length != expected) { fprintf(stderr, "%s needs %d bytes of key and salt in base64, got '%s'\n", suite, expected, key_base64); return -1; }
  policy->key = key_out;
  policy->window_size = 1024;
  return 0;
}
#endif
