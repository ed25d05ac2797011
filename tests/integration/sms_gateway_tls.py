#!/usr/bin/python3
"""An SMS gateway over HTTPS for the notification tests (Python's http.server and ssl only).

    sms_gateway_tls.py DIR CERT KEY

Listens on 127.0.0.1 on a free port, prints the port on the first line of stdout, and answers
every `POST /sms` with 200 `{"accepted":true}`, writing the request to DIR/NNNNNN.json as
`{"body": <the body as text>, "signature": <X-Motcua-Signature>}`.
"""
import http.server
import itertools
import json
import os
import ssl
import sys


def main():
    directory, cert, key = sys.argv[1:4]
    counter = itertools.count(1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
            if self.path != '/sms':
                self.send_response(404)
                self.send_header('Content-Length', '0')
                self.end_headers()
                return
            record = {'body': body.decode('utf-8'), 'signature': self.headers.get('X-Motcua-Signature', '')}
            path = os.path.join(directory, '%06d.json' % next(counter))
            with open(path + '.tmp', 'w', encoding='utf-8') as f:
                json.dump(record, f)
            os.rename(path + '.tmp', path)
            answer = b'{"accepted":true}'
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
