"""Watches one ClusterFailoverTests run from outside (bench/failover/run.sh): finds node B ("node-1") by its
environment, notes when its process died (gone or a zombie, checked every 5 ms), and polls the test's database every
50 ms for the node of each room_user row until, after the kill, both rows are on the live node ("node-2").
Bounded: gives up 240 s after it starts. Usage: watch.py PG_PORT"""
import glob
import subprocess
import sys
import time

DEAD, LIVE = "node-1", "node-2"
deadline = time.monotonic() + 240
port = sys.argv[1]


def node_b_pid():
    for path in glob.glob("/proc/[0-9]*/environ"):
        try:
            with open(path, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if f"Node__Id={DEAD}".encode() in env and any(e.startswith(b"Node__RedisPrefix=parley-e2e-") for e in env):
            return int(path.split("/")[2])
    return None


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def psql(database):
    return subprocess.Popen(["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", database, "-At", "-q"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


def ask(session, sql):
    session.stdin.write(sql + "\n")
    return session.stdout.readline().rstrip("\n")


pid = None
while pid is None:
    if time.monotonic() > deadline:
        sys.exit("node B never started")
    pid = node_b_pid()
    time.sleep(0.2)
print(f"node B: pid {pid}", flush=True)

# Node A ("node-2") started first and migrated the database; node B is up, so the database exists.
admin = psql("postgres")
database = ask(admin, "SELECT datname FROM pg_database WHERE datname LIKE 'parley_e2e_%' ORDER BY oid DESC LIMIT 1;")
admin.stdin.close()
rows = psql(database)
query = f"SELECT coalesce(string_agg(node_id, ',' ORDER BY node_id), '-') FROM room_user;"

killed = None
last_rows = None
next_poll = 0.0
gone = live = None
while time.monotonic() < deadline and live is None:
    now = time.monotonic()
    if killed is None and not alive(pid):
        killed = now
        print(f"{time.strftime('%H:%M:%S', time.gmtime())} node B died", flush=True)
    if now >= next_poll:
        next_poll = now + 0.05
        seen = ask(rows, query)
        if seen != last_rows:
            after = f" ({now - killed:.2f} s after the kill)" if killed else ""
            print(f"{time.strftime('%H:%M:%S', time.gmtime())} rows: {seen}{after}", flush=True)
            last_rows = seen
        if killed is not None:
            nodes = seen.split(",") if seen != "-" else []
            if gone is None and DEAD not in nodes:
                gone = now - killed
            if nodes == [LIVE, LIVE]:
                live = now - killed
    time.sleep(0.005)

rows.stdin.close()
print(f"dead node rows gone: {f'{gone:.2f} s' if gone is not None else 'never'}")
print(f"both rows on the live node: {f'{live:.2f} s' if live is not None else 'never'}")
