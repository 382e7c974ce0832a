// srtpsink PORT SECONDS [IGNORED_SSRC] — /work/shared/bench/rtpsink with SRTP: decrypts every RTP packet received on
// 127.0.0.1:PORT with libsrtp2, then counts and measures it as rtpsink does (RTCP and padding-only packets aside;
// distinct SSRCs; one-way latency from the CLOCK_MONOTONIC ns a generator wrote 28 bytes into the payload). Packets
// that fail to decrypt (wrong key, tampered, replayed, no key for the SSRC) are counted apart, never measured.
// Keying, from the environment:
//   SRTP_SUITE  AES_CM_128_HMAC_SHA1_80 (default), AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM or AEAD_AES_256_GCM
//   SRTP_KEY    one keyBase64 (master key ‖ salt, as mediasoup's srtpParameters) shared by every SSRC, or
//   SRTP_KEYS   a file of "SSRC keyBase64" lines, one key per SSRC (what Parley.ForwardBench --srtp-keys writes)
//   SRTP_SAMPLE k (default 1): decrypt only the packets whose sequence number is a multiple of k and count the others
//               from their clear headers, as rtpsink counts. Debian's libsrtp2 is built on NSS and spends ~11 µs on
//               a 1,200-byte AES_CM_128_HMAC_SHA1_80 packet (~2.5 µs with GCM), so a sink decrypting a few hundred
//               thousand copies a second would saturate its core before the forwarder does.
// Prints {"ready":true}, then one JSON line at the end: rtpsink's fields plus decrypted (packets verified and
// measured), decrypt_failed and cpu_s (the sink's own CPU seconds, to tell a saturated sink from a saturated
// forwarder).
// Build: gcc -O2 -o srtpsink srtpsink.c -lsrtp2   (Debian: libsrtp2-dev)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include "srtpkeys.h"

#define BATCH 64
#define DATAGRAM_MAX 1600
#define TABLE_SIZE 8192  // power of two, twice the SSRCs rtpsink tracks
#define SEND_TIME_OFFSET 28
#define MIN_MEDIA_PAYLOAD 36  // rtpsink's threshold: shorter payloads are padding-only probes

// One decryption context per SSRC in an open-addressed table: libsrtp 2.5 keeps a session's streams in a linked
// list, which a few hundred consumer SSRCs would walk for every packet.
struct stream {
  uint32_t ssrc;
  int used, counted;
  srtp_t session;
};
static struct stream table[TABLE_SIZE];
static const char *suite;
static const char *shared_key;  // SRTP_KEY mode: sessions are created as SSRCs appear
static int tag_length;          // of the suite's SRTP packets, to size the payload of packets left encrypted

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int compare_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static struct stream *slot_for(uint32_t ssrc) {
  uint32_t i = (ssrc * 2654435761u) & (TABLE_SIZE - 1);
  for (int probes = 0; probes < TABLE_SIZE; probes++, i = (i + 1) & (TABLE_SIZE - 1))
    if (!table[i].used || table[i].ssrc == ssrc) return &table[i];
  return NULL;
}

static int add_session(struct stream *slot, uint32_t ssrc, const char *key_base64) {
  srtp_policy_t policy;
  unsigned char key[SRTP_KEY_MAX];
  if (srtp_policy_from(suite, key_base64, &policy, key)) return -1;
  policy.ssrc.type = ssrc_any_inbound;
  srtp_err_status_t status = srtp_create(&slot->session, &policy);
  if (status != srtp_err_status_ok) { fprintf(stderr, "srtp_create failed: %d\n", status); return -1; }
  slot->used = 1;
  slot->ssrc = ssrc;
  return 0;
}

// The session for an SSRC: the one from the key file, or a new one with the shared key; NULL if there is none.
static struct stream *stream_for(uint32_t ssrc) {
  struct stream *slot = slot_for(ssrc);
  if (!slot || slot->used) return slot;
  if (!shared_key || add_session(slot, ssrc, shared_key)) return NULL;
  return slot;
}

static int load_key_file(const char *path) {
  FILE *file = fopen(path, "r");
  if (!file) { perror(path); return -1; }
  char line[256], key[200];
  unsigned long ssrc;
  int loaded = 0;
  while (fgets(line, sizeof line, file)) {
    if (sscanf(line, "%lu %199s", &ssrc, key) != 2) continue;
    struct stream *slot = slot_for((uint32_t)ssrc);
    if (!slot || slot->used) { fprintf(stderr, "%s: duplicate SSRC %lu or too many\n", path, ssrc); fclose(file); return -1; }
    if (add_session(slot, (uint32_t)ssrc, key)) { fclose(file); return -1; }
    loaded++;
  }
  fclose(file);
  if (!loaded) { fprintf(stderr, "%s: no \"SSRC keyBase64\" lines\n", path); return -1; }
  return 0;
}

static double cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: SRTP_SUITE=... SRTP_KEY=keyBase64|SRTP_KEYS=FILE srtpsink PORT SECONDS [IGNORED_SSRC]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double seconds = atof(argv[2]);
  uint32_t ignored = argc > 3 ? (uint32_t)strtoul(argv[3], 0, 10) : 0;
  suite = getenv("SRTP_SUITE") ? getenv("SRTP_SUITE") : "AES_CM_128_HMAC_SHA1_80";
  shared_key = getenv("SRTP_KEY");
  const char *key_file = getenv("SRTP_KEYS");
  if (!shared_key == !key_file) { fprintf(stderr, "srtpsink: set exactly one of SRTP_KEY and SRTP_KEYS\n"); return 2; }
  int sample = getenv("SRTP_SAMPLE") ? atoi(getenv("SRTP_SAMPLE")) : 1;
  if (sample < 1) { fprintf(stderr, "srtpsink: SRTP_SAMPLE must be a positive integer\n"); return 2; }
  srtp_policy_t suite_policy;
  memset(&suite_policy, 0, sizeof suite_policy);
  if (!srtp_suite_policy(suite, &suite_policy)) { fprintf(stderr, "unknown SRTP suite %s\n", suite); return 2; }
  tag_length = suite_policy.rtp.auth_tag_len;
  if (srtp_init() != srtp_err_status_ok) { fprintf(stderr, "srtp_init failed\n"); return 1; }
  if (shared_key) {
    srtp_policy_t policy;
    unsigned char key[SRTP_KEY_MAX];
    if (srtp_policy_from(suite, shared_key, &policy, key)) return 2;  // reject a bad key before ready, not per packet
  } else if (load_key_file(key_file)) {
    return 2;
  }

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int receive_buffer = 32 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  struct sockaddr_in local = {0};
  local.sin_family = AF_INET;
  local.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
  if (bind(fd, (struct sockaddr *)&local, sizeof local)) { perror("bind"); return 1; }
  struct timeval poll = {0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &poll, sizeof poll);

  static unsigned char buffers[BATCH][DATAGRAM_MAX];
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];
  size_t latency_capacity = 1 << 24, latencies = 0;
  uint32_t *latency_us = malloc(latency_capacity * sizeof *latency_us);
  uint64_t packets = 0, rtcp = 0, decrypted = 0, decrypt_failed = 0;
  int ssrcs = 0, first_failure = 0;

  printf("{\"ready\":true}\n");
  fflush(stdout);
  uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
  while (now_ns() < end) {
    memset(messages, 0, sizeof messages);
    for (int i = 0; i < BATCH; i++) {
      vectors[i].iov_base = buffers[i];
      vectors[i].iov_len = DATAGRAM_MAX;
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    int received = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
    if (received <= 0) continue;
    uint64_t arrival = now_ns();  // before decryption, so latency is the network's, as rtpsink measures it
    for (int i = 0; i < received; i++) {
      unsigned char *p = buffers[i];
      int length = (int)messages[i].msg_len;
      if (length < 12) continue;
      if (p[1] >= 192 && p[1] <= 223) { rtcp++; continue; }
      uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
      if (ssrc == ignored) continue;
      struct stream *stream = stream_for(ssrc);
      int decrypt = ((p[2] << 8 | p[3]) % sample) == 0;
      if (stream && !decrypt) {
        length -= tag_length;
      } else {
        srtp_err_status_t status = stream ? srtp_unprotect(stream->session, p, &length) : srtp_err_status_no_ctx;
        if (status != srtp_err_status_ok) {
          if (!decrypt_failed) first_failure = status;
          decrypt_failed++;
          continue;
        }
      }
      // The payload follows the CSRCs and any header extension the forwarder wrote (in clear under SRTP).
      int offset = 12 + 4 * (p[0] & 0x0f);
      if ((p[0] & 0x10) && length >= offset + 4) offset += 4 + 4 * (p[offset + 2] << 8 | p[offset + 3]);
      if (length < offset + MIN_MEDIA_PAYLOAD) continue;
      packets++;
      if (!stream->counted) { stream->counted = 1; ssrcs++; }
      if (!decrypt) continue;
      decrypted++;
      uint64_t sent;
      memcpy(&sent, p + offset + SEND_TIME_OFFSET, sizeof sent);
      if (latencies < latency_capacity && arrival > sent) latency_us[latencies++] = (uint32_t)((arrival - sent) / 1000);
    }
  }

  if (decrypt_failed) fprintf(stderr, "srtpsink: %llu packets failed to decrypt (first libsrtp status %d)\n", (unsigned long long)decrypt_failed, first_failure);
  qsort(latency_us, latencies, sizeof *latency_us, compare_u32);
  printf("{\"packets\":%llu,\"rtcp\":%llu,\"ssrcs\":%d,\"lat_us_p50\":%u,\"lat_us_p99\":%u,\"lat_us_max\":%u,\"decrypted\":%llu,\"decrypt_failed\":%llu,\"cpu_s\":%.3f}\n",
         (unsigned long long)packets, (unsigned long long)rtcp, ssrcs, latencies ? latency_us[latencies / 2] : 0,
         latencies ? latency_us[(size_t)(latencies * 0.99)] : 0, latencies ? latency_us[latencies - 1] : 0,
         (unsigned long long)decrypted, (unsigned long long)decrypt_failed, cpu_seconds());
  return 0;
}
