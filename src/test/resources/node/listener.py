# A TCP listener for the end-to-end network probes, run inside the test's "Internet" network
# namespace: accepts on every port given, writes "<port> <peer address>" per connection to the
# log file given first, and closes the connection.
import socket
import sys
import threading

log = open(sys.argv[1], "a", buffering=1)


def serve(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    while True:
        conn, peer = s.accept()
        log.write("%d %s\n" % (port, peer[0]))
        conn.close()


for p in sys.argv[2:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
print("listening", flush=True)
threading.Event().wait()
