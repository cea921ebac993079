"""A tiny clamd speaking the INSTREAM protocol, in-process, for the scanning tests."""

from __future__ import annotations

import socketserver
import struct
import threading

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        command = self.rfile.readline()
        if command.startswith(b"z"):  # zINSTREAM\0: the rest of the line is in the buffer
            command = command.split(b"\0", 1)[0]
        name = command[1:].strip().rstrip(b"\0")
        if name == b"PING":
            self.wfile.write(b"PONG\n")
            return
        if name != b"INSTREAM":
            self.wfile.write(b"UNKNOWN COMMAND\n")
            return
        data = bytearray()
        while True:
            (size,) = struct.unpack("!L", self.rfile.read(4))
            if size == 0:
                break
            data += self.rfile.read(size)
        self.server.scanned.append(bytes(data))
        if EICAR in data:
            self.wfile.write(b"stream: Eicar-Test-Signature FOUND\n")
        else:
            self.wfile.write(b"stream: OK\n")


class FakeClamd(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scanned: list[bytes] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class FakeClamdUnix(socketserver.ThreadingUnixStreamServer):
    """The same daemon on a Unix socket (CLAMD_SOCKET)."""

    daemon_threads = True

    def __init__(self, path):
        super().__init__(str(path), _Handler)
        self.scanned: list[bytes] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    __enter__ = FakeClamd.__enter__
    __exit__ = FakeClamd.__exit__
