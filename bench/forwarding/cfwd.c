// cfwd PORT SINK_PORT N — the physical-limit reference of /work/shared/bench/README.md, measured on the same box
// and under the same load as Parley: receive each datagram on PORT and send N copies to 127.0.0.1:SINK_PORT, one
// sendto each from N separate sockets (as N transports would), no state and no rewriting. Each sending socket is bound
// to 127.0.0.1 as Parley's transports are: an unbound socket makes the kernel pick a source address on every send.
// With "connect", each socket is also connected to the sink and sends without an address (the kernel keeps the route),
// as Parley's PlainTransports do once their remote is known.
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: cfwd PORT SINK_PORT N [connect]\n"); return 2; }
  int connected = argc > 4 && strcmp(argv[4], "connect") == 0;
  int n = atoi(argv[3]);
  struct sockaddr_in in = {0}, out = {0};
  in.sin_family = out.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr); inet_pton(AF_INET, "127.0.0.1", &out.sin_addr);
  in.sin_port = htons(atoi(argv[1])); out.sin_port = htons(atoi(argv[2]));
  int rx = socket(AF_INET, SOCK_DGRAM, 0); int rb = 4 << 20; setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
  if (bind(rx, (struct sockaddr *)&in, sizeof in) < 0) { perror("bind"); return 1; }
  int *tx = malloc(sizeof(int) * n);
  struct sockaddr_in local = in;
  local.sin_port = 0;
  for (int i = 0; i < n; i++) {
    tx[i] = socket(AF_INET, SOCK_DGRAM, 0);
    if (bind(tx[i], (struct sockaddr *)&local, sizeof local) < 0) { perror("bind"); return 1; }
    if (connected && connect(tx[i], (struct sockaddr *)&out, sizeof out) < 0) { perror("connect"); return 1; }
  }
  printf("{\"ready\":true,\"port\":%d}\n", atoi(argv[1])); fflush(stdout);
  unsigned char buf[2048];
  for (;;) {
    ssize_t len = recv(rx, buf, sizeof buf, 0);
    if (len <= 0) continue;
    for (int i = 0; i < n; i++) {
      if (connected) send(tx[i], buf, len, 0);
      else sendto(tx[i], buf, len, 0, (struct sockaddr *)&out, sizeof out);
    }
  }
}
