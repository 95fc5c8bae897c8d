"""A TCP proxy in front of PostgreSQL that a test can cut and restore, to stop
"the database" for one app process without stopping it for the rest of the suite.

``stop()`` is a server that refuses; ``hang()`` is a partition: connections are
still accepted (this process's kernel answers the handshake) but nothing reaches
PostgreSQL or comes back until ``heal()``, as when a network drops packets."""

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0  # chosen on the first start, kept on restarts
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        """Refuse new connections and cut every open one, as a stopped server would."""
        self.heal()  # wake the pipes held by hang(), so they see their sockets closed
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):  # already closed by the other side
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def hang(self):
        """Forward nothing either way, on open connections and new ones alike."""
        self._flowing.clear()

    def heal(self):
        """Deliver what was held and flow again, as TCP does once a partition heals."""
        self._flowing.set()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            with self._lock:
                self._open.add(client)
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client):
        # A connection made during a partition reaches PostgreSQL only once it heals.
        self._flowing.wait()
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with self._lock:
            self._open.add(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        with contextlib.suppress(OSError):  # cut by stop(), or closed by the other side
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
