#!/usr/bin/python3
"""A local SMTP sink for the notification tests and benchmark (aiosmtpd, Debian python3-aiosmtpd).

    smtp_sink.py DIR [PORT [CERT KEY USER PASSWORD]]

Listens on 127.0.0.1:PORT (0 or absent: a free port), prints the port on the first line of
stdout, and writes every accepted message to DIR/NNNNNN.eml (an `X-Envelope-To:` line, then the
message exactly as received). Recipients whose local part starts with `defer451` are refused
with 451, `reject550` with 550; a message to `slow…` is answered only after 3 seconds.
With CERT, KEY, USER and PASSWORD the sink offers STARTTLS and requires it and AUTH (PLAIN or
LOGIN) with that user before any mail.
"""
import asyncio
import itertools
import os
import sys

import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@')[0].lower()
        if local.startswith('defer451'):
            return '451 4.3.0 Mailbox busy, try again later'
        if local.startswith('reject550'):
            return '550 5.1.1 No such mailbox here'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if any(a.lower().startswith('slow') for a in envelope.rcpt_tos):
            await asyncio.sleep(3)
        n = next(self.counter)
        tmp = os.path.join(self.directory, '.%06d.tmp' % n)
        with open(tmp, 'wb') as f:
            f.write(b'X-Envelope-To: ' + ','.join(envelope.rcpt_tos).encode() + b'\r\n')
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.directory, '%06d.eml' % n))
        return '250 2.0.0 Ok: queued as %d' % n


class Authenticator:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)


async def main():
    directory = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    handler = Handler(directory)
    options = {'hostname': 'sink.test'}
    if len(sys.argv) > 6:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        options.update(tls_context=context, require_starttls=True, auth_required=True,
                       authenticator=Authenticator(sys.argv[5], sys.argv[6]))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **options), '127.0.0.1', port)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
