// srtpgen HOST PORT SSRC PPS SECONDS [SIZE] — /work/shared/bench/rtpgen's paced stream, SRTP-protected: the same
// VP8-looking RTP (payload type 101, every packet a keyframe start with a 15-bit picture id, the CLOCK_MONOTONIC send
// time 28 bytes into the payload), SIZE bytes of plain RTP, then encrypted with libsrtp2 (the datagram grows by the
// auth tag: 10 bytes for AES_CM_128_HMAC_SHA1_80, 16 for the GCM suites). The send time is taken before encryption,
// so a sink's latency includes the generator's own encryption.
// Keying from the environment: SRTP_SUITE (AES_CM_128_HMAC_SHA1_80 by default) and SRTP_KEY (keyBase64).
// Prints {"sent":..,"errors":..,"seconds":..} at the end, as rtpgen does.
// Build: gcc -O2 -o srtpgen srtpgen.c -lsrtp2   (Debian: libsrtp2-dev)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "srtpkeys.h"

#define SEND_TIME_AT 40  // 12-byte header + 28 bytes of payload
#define PLAIN_MAX 1400

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void put_u16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put_u32(unsigned char *p, uint32_t v) { put_u16(p, (uint16_t)(v >> 16)); put_u16(p + 2, (uint16_t)v); }

// RTP header and the first bytes of a VP8 keyframe of 640x360: descriptor with X, S and a 15-bit picture id, then the
// frame tag (keyframe, shown) and start code. Everything after is filler.
static void write_packet(unsigned char *p, uint16_t sequence, uint32_t timestamp, uint32_t ssrc, uint16_t picture_id) {
  static const unsigned char keyframe[] = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01};
  p[0] = 0x80;
  p[1] = 0x80 | 101;  // marker: every packet ends its frame
  put_u16(p + 2, sequence);
  put_u32(p + 4, timestamp);
  put_u32(p + 8, ssrc);
  p[12] = 0x90;
  p[13] = 0x80;
  put_u16(p + 14, 0x8000 | (picture_id & 0x7fff));
  memcpy(p + 16, keyframe, sizeof keyframe);
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: SRTP_SUITE=... SRTP_KEY=keyBase64 srtpgen HOST PORT SSRC PPS SECONDS [SIZE]\n"); return 2; }
  uint32_t ssrc = (uint32_t)strtoul(argv[3], 0, 10);
  double pps = atof(argv[4]), seconds = atof(argv[5]);
  int size = argc > 6 ? atoi(argv[6]) : 1200;
  if (size < SEND_TIME_AT + 8 || size > PLAIN_MAX) { fprintf(stderr, "srtpgen: SIZE must be %d..%d\n", SEND_TIME_AT + 8, PLAIN_MAX); return 2; }
  const char *suite = getenv("SRTP_SUITE") ? getenv("SRTP_SUITE") : "AES_CM_128_HMAC_SHA1_80";
  const char *key_base64 = getenv("SRTP_KEY");
  if (!key_base64) { fprintf(stderr, "srtpgen: SRTP_KEY is not set\n"); return 2; }

  srtp_policy_t policy;
  unsigned char key[SRTP_KEY_MAX];
  srtp_t session;
  if (srtp_init() != srtp_err_status_ok || srtp_policy_from(suite, key_base64, &policy, key)) return 2;
  policy.ssrc.type = ssrc_specific;
  policy.ssrc.value = ssrc;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) { fprintf(stderr, "srtpgen: srtp_create failed\n"); return 1; }

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int send_buffer = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) { fprintf(stderr, "srtpgen: HOST must be an IPv4 address\n"); return 2; }
  if (connect(fd, (struct sockaddr *)&to, sizeof to)) { perror("connect"); return 1; }

  unsigned char packet[PLAIN_MAX + SRTP_MAX_TRAILER_LEN];
  uint64_t total = (uint64_t)(pps * seconds), sent = 0, errors = 0, start = now_ns();
  for (; sent < total; sent++) {
    uint64_t due = start + (uint64_t)(sent * 1e9 / pps);
    for (uint64_t t = now_ns(); t < due; t = now_ns())
      if (due - t > 200000) usleep((useconds_t)((due - t) / 2000));  // sleep half the wait, spin the last 0.2 ms
    memset(packet, 0xab, (size_t)size);
    write_packet(packet, (uint16_t)(sent + 1), (uint32_t)(sent + 1) * 900, ssrc, (uint16_t)sent);
    uint64_t send_time = now_ns();
    memcpy(packet + SEND_TIME_AT, &send_time, sizeof send_time);
    int length = size;
    if (srtp_protect(session, packet, &length) != srtp_err_status_ok || send(fd, packet, (size_t)length, 0) < 0) errors++;
  }
  printf("{\"sent\":%llu,\"errors\":%llu,\"seconds\":%.3f}\n", (unsigned long long)sent, (unsigned long long)errors, (now_ns() - start) / 1e9);
  srtp_dealloc(session);
  return 0;
}
