#!/usr/bin/python3
"""A real SMTP server for the e-mail tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 (a free port unless --port), writes the port to
--port-file once it accepts connections, and stores every message it takes
as DIR/NNNN.eml (written to a temporary name, then renamed) with the
envelope in DIR/NNNN.env (MAIL FROM, then one RCPT TO a line). Every
exchange is logged to DIR/log, one line each:

    accepted <rcpt>           a message taken
    refused 451 <rcpt>        a temporary refusal (--refuse-first)
    rejected 550 <rcpt>       a permanent refusal (--reject)
    auth ok|failed <user>

  --refuse-first N   refuse the first N messages with 451 after DATA
  --reject ADDR      refuse RCPT TO ADDR with 550 (may be repeated)
  --hang             accept TCP connections and never say a word
  --tls CERT KEY     offer STARTTLS with this certificate, and require it
  --auth USER:PASS   require AUTH (PLAIN or LOGIN) with these credentials

Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, refuse_first, reject):
        self.folder = folder
        self.refuse_left = refuse_first
        self.reject = {a.lower() for a in reject}
        self.count = 0

    def log(self, line):
        with open(os.path.join(self.folder, 'log'), 'a', encoding='utf-8') as f:
            f.write(line + '\n')

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            self.log('rejected 550 %s' % address)
            return '550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table' % address
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        rcpts = ' '.join(envelope.rcpt_tos)
        if self.refuse_left > 0:
            self.refuse_left -= 1
            self.log('refused 451 %s' % rcpts)
            return '451 4.3.0 Temporary local problem, try again later'
        self.count += 1
        base = os.path.join(self.folder, '%04d' % self.count)
        with open(base + '.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + '.env', 'w', encoding='utf-8') as f:
            f.write(envelope.mail_from + '\n' + '\n'.join(envelope.rcpt_tos) + '\n')
        os.rename(base + '.tmp', base + '.eml')
        self.log('accepted %s' % rcpts)
        return '250 2.0.0 Ok: queued as %04d' % self.count


class Silent(asyncio.Protocol):
    """Takes the connection and never answers."""
    def connection_made(self, transport):
        self.transport = transport


def authenticator_for(sink, userpass):
    user, _, password = userpass.partition(':')

    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        sink.log('auth %s %s' % ('ok' if ok else 'failed',
                                 auth_data.login.decode() if isinstance(auth_data, LoginPassword) else '?'))
        # handled=False: aiosmtpd itself answers 535 to a failed login.
        return AuthResult(success=ok, handled=ok)
    return check


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--refuse-first', type=int, default=0)
    ap.add_argument('--reject', action='append', default=[])
    ap.add_argument('--hang', action='store_true')
    ap.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    ap.add_argument('--auth')
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    loop = asyncio.get_running_loop()
    sink = Sink(args.dir, args.refuse_first, args.reject)
    if args.hang:
        factory = Silent
    else:
        kw = {'hostname': 'sink.test', 'enable_SMTPUTF8': True}
        if args.tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(args.tls[0], args.tls[1])
            kw.update(tls_context=ctx, require_starttls=True)
        if args.auth:
            kw.update(authenticator=authenticator_for(sink, args.auth), auth_required=True,
                      auth_require_tls=bool(args.tls))
        factory = lambda: SMTP(sink, **kw)
    server = await loop.create_server(factory, '127.0.0.1', args.port)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % port)
    os.rename(args.port_file + '.tmp', args.port_file)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()


if __name__ == '__main__':
    asyncio.run(main())
    sys.exit(0)
