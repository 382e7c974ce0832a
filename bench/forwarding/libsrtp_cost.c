// libsrtp_cost [SIZE] — what the installed libsrtp2 spends to unprotect one SRTP packet of SIZE bytes (1,200 by
// default), per suite: the reason srtpsink has SRTP_SAMPLE. Process CPU time over 4,096 distinct packets of one stream.
// Build: gcc -O2 -o libsrtp_cost libsrtp_cost.c -lsrtp2
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PACKETS 4096
#define SIZE_MAX_PLAIN 1400

static double cpu_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static unsigned char packets[PACKETS][SIZE_MAX_PLAIN + SRTP_MAX_TRAILER_LEN];
static int lengths[PACKETS];

static void measure(const char *name, void (*set)(srtp_crypto_policy_t *), int size) {
  unsigned char key[64];
  for (int i = 0; i < (int)sizeof key; i++) key[i] = (unsigned char)(i * 7 + 1);
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  set(&policy.rtp);
  set(&policy.rtcp);
  policy.key = key;
  policy.window_size = 1024;
  srtp_t sender, receiver;
  policy.ssrc.type = ssrc_any_outbound;
  if (srtp_create(&sender, &policy)) { printf("%s: not supported by this libsrtp2\n", name); return; }
  policy.ssrc.type = ssrc_any_inbound;
  srtp_create(&receiver, &policy);
  for (int i = 0; i < PACKETS; i++) {
    memset(packets[i], 0xab, (size_t)size);
    packets[i][0] = 0x80;
    packets[i][1] = 101;
    packets[i][2] = (unsigned char)(i >> 8);
    packets[i][3] = (unsigned char)i;
    packets[i][11] = 1;
    lengths[i] = size;
    srtp_protect(sender, packets[i], &lengths[i]);
  }
  int failed = 0;
  double start = cpu_now();
  for (int i = 0; i < PACKETS; i++) failed += srtp_unprotect(receiver, packets[i], &lengths[i]) != srtp_err_status_ok;
  double elapsed = cpu_now() - start;
  printf("%-32s %4d bytes: %6.2f µs per unprotect%s\n", name, size, elapsed / PACKETS * 1e6, failed ? " (FAILURES)" : "");
  srtp_dealloc(sender);
  srtp_dealloc(receiver);
}

int main(int argc, char **argv) {
  int size = argc > 1 ? atoi(argv[1]) : 1200;
  if (size < 12 || size > SIZE_MAX_PLAIN) { fprintf(stderr, "SIZE must be 12..%d\n", SIZE_MAX_PLAIN); return 2; }
  srtp_init();
  measure("AES_CM_128_HMAC_SHA1_80", srtp_crypto_policy_set_rtp_default, size);
  measure("  AES-CM only (null auth)", srtp_crypto_policy_set_aes_cm_128_null_auth, size);
  measure("  HMAC-SHA1 only (null cipher)", srtp_crypto_policy_set_null_cipher_hmac_sha1_80, size);
  measure("AEAD_AES_128_GCM", srtp_crypto_policy_set_aes_gcm_128_16_auth, size);
  return 0;
}
