"""An independent ICE peer for Parley's interop tests, built on Debian's python3-aioice.

Modes (arguments after the mode: server port, our ufrag, our password):
  ice  - a full controlling aioice agent connects to the ICE-lite server over UDP (regular nomination),
         then sends one RTP-looking datagram on the nominated pair and prints the pair as JSON.
  tcp  - a binding request built and checked by aioice's STUN code, sent RFC 4571-framed over TCP.
Everything talks to 127.0.0.1 only.
"""
import asyncio
import json
import socket
import struct
import sys

import aioice
import aioice.ice
from aioice import stun

HOST = "127.0.0.1"
RTP = bytes.fromhex("80600007000000640000beef") + b"from-aioice"


async def run_ice(port, ufrag, password):
    # aioice skips loopback when gathering; keep every socket on 127.0.0.1 for the test.
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [HOST]
    conn = aioice.Connection(ice_controlling=True, use_ipv6=False)
    conn.remote_is_lite = True
    conn.remote_username = ufrag
    conn.remote_password = password
    await conn.gather_candidates()
    await conn.add_remote_candidate(
        aioice.Candidate(foundation="udpcandidate", component=1, transport="udp",
                         priority=2130706431, host=HOST, port=port, type="host"))
    await conn.add_remote_candidate(None)
    await asyncio.wait_for(conn.connect(), 10)
    await conn.send(RTP)
    pair = conn._nominated[1]
    print(json.dumps({"local": list(pair.local_addr), "remoteUfrag": conn.local_username}), flush=True)
    await asyncio.sleep(0.3)
    await conn.close()


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def run_tcp(port, ufrag, password):
    request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
    request.attributes["USERNAME"] = f"{ufrag}:aioicetcp"
    request.attributes["PRIORITY"] = 1845501695
    request.attributes["ICE-CONTROLLING"] = 0x0123456789ABCDEF
    request.attributes["USE-CANDIDATE"] = None
    request.add_message_integrity(password.encode("utf8"))  # also appends FINGERPRINT
    payload = bytes(request)
    with socket.create_connection((HOST, port), timeout=5) as sock:
        sock.sendall(struct.pack("!H", len(payload)) + payload)
        (length,) = struct.unpack("!H", read_exact(sock, 2))
        data = read_exact(sock, length)
        # parse_message verifies MESSAGE-INTEGRITY and FINGERPRINT and raises on a mismatch.
        response = stun.parse_message(data, integrity_key=password.encode("utf8"))
        assert response.message_class == stun.Class.RESPONSE, response.message_class
        assert response.transaction_id == request.transaction_id
        mapped = response.attributes["XOR-MAPPED-ADDRESS"]
        sock.sendall(struct.pack("!H", len(RTP)) + RTP)
        print(json.dumps({"local": list(sock.getsockname()), "mapped": [mapped[0], mapped[1]]}), flush=True)
        sock.shutdown(socket.SHUT_WR)
        sock.recv(1)


def main():
    mode, port, ufrag, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    if mode == "ice":
        asyncio.run(run_ice(port, ufrag, password))
    elif mode == "tcp":
        run_tcp(port, ufrag, password)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
