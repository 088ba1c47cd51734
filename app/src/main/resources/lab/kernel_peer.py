#!/usr/bin/env python3
"""The lab's kernel MPTCP peer: sink, source and echo services on MPTCP sockets.

Started by `mptcp-lab lab up` inside the server namespace. Every listener binds the wildcard
address (a join toward an announced address finds no listener otherwise, INTEROP.md).
  sink   (5201): reads everything; on close prints a line with the byte count and SHA-256
  source (5202): reads an 8-byte big-endian length N, then sends N pseudo-random bytes and closes
  echo   (5203): writes back everything it reads
  video  (5204): reads a bitrate (bit/s) and a chunk interval (ms), 8 bytes big-endian each, then
                 sends bitrate x interval bytes every interval (a live stream) until the peer closes
Plain-TCP variants (for fallback tests) listen on the same ports + 1000 with IPPROTO_TCP.
"""
import hashlib
import os
import random
import socket
import struct
import sys
import threading

IPPROTO_MPTCP = 262
LOG = sys.stdout


def log(msg):
    LOG.write(msg + "\n")
    LOG.flush()


def listen(port, proto, family):
    s = socket.socket(family, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("::", port))
    else:
        s.bind(("0.0.0.0", port))
    s.listen(64)
    return s


def sink(conn, addr, name):
    h = hashlib.sha256()
    n = 0
    while True:
        b = conn.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
    log("%s from %s bytes=%d sha256=%s" % (name, addr[0], n, h.hexdigest()))
    conn.close()


def source(conn, addr, name):
    head = b""
    while len(head) < 8:
        b = conn.recv(8 - len(head))
        if not b:
            conn.close()
            return
        head += b
    (n,) = struct.unpack("!Q", head)
    rnd = random.Random(n)
    h = hashlib.sha256()
    left = n
    while left > 0:
        chunk = rnd.randbytes(min(left, 1 << 16))
        conn.sendall(chunk)
        h.update(chunk)
        left -= len(chunk)
    log("%s to %s bytes=%d sha256=%s" % (name, addr[0], n, h.hexdigest()))
    conn.shutdown(socket.SHUT_WR)
    while conn.recv(1 << 16):
        pass
    conn.close()


def echo(conn, addr, name):
    n = 0
    while True:
        b = conn.recv(1 << 16)
        if not b:
            break
        conn.sendall(b)
        n += len(b)
    log("%s with %s bytes=%d" % (name, addr[0], n))
    conn.close()


def video(conn, addr, name):
    head = b""
    while len(head) < 16:
        b = conn.recv(16 - len(head))
        if not b:
            conn.close()
            return
        head += b
    bitrate, chunk_ms = struct.unpack("!QQ", head)
    if bitrate <= 0 or chunk_ms <= 0:
        conn.close()
        return
    # Chunks are due on a fixed schedule from the start, as a live encoder produces them; a send that
    # blocks (the connection is slower than the stream) delays the chunks after it, never drops them.
    import time
    rnd = random.Random(bitrate)
    start = time.monotonic()
    sent = 0
    k = 0
    try:
        while True:
            k += 1
            due = (bitrate * chunk_ms * k) // 8000
            conn.sendall(rnd.randbytes(due - sent))
            sent = due
            wait = start + k * chunk_ms / 1000.0 - time.monotonic()
            if wait > 0:
                time.sleep(wait)
    except OSError as e:
        log("%s to %s ended after %d bytes: %s" % (name, addr[0], sent, e))
    conn.close()


def guarded(handler, conn, addr, name):
    # A peer may end with a reset (MP_FASTCLOSE, a test's abort): log it, do not die noisily.
    try:
        handler(conn, addr, name)
    except OSError as e:
        log("%s with %s ended: %s" % (name, addr[0], e))
        conn.close()


def serve(lsock, handler, name):
    while True:
        conn, addr = lsock.accept()
        threading.Thread(target=guarded, args=(handler, conn, addr, name), daemon=True).start()


def main():
    services = [(5201, sink, "sink"), (5202, source, "source"), (5203, echo, "echo"), (5204, video, "video")]
    threads = []
    for family in (socket.AF_INET, socket.AF_INET6):
        for port, handler, name in services:
            for proto, offset, kind in ((IPPROTO_MPTCP, 0, "mptcp"), (socket.IPPROTO_TCP, 1000, "tcp")):
                try:
                    ls = listen(port + offset, proto, family)
                except OSError as e:
                    log("cannot listen on %s port %d (%s): %s" % (kind, port + offset, family.name, e))
                    continue
                t = threading.Thread(target=serve, args=(ls, handler, "%s-%s" % (name, kind)), daemon=True)
                t.start()
                threads.append(t)
    log("ready pid=%d" % os.getpid())
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
