#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/mailserver.py: the small mail clients and the SMTP sink that tests/mailserver.sh
# wraps (standard library only). Every network call has a timeout; the sink ends by itself.
#
#   sink DIR PORT SECONDS       an SMTP server on 127.0.0.1:PORT that stores each message as
#                               DIR/NNNN.eml (first lines "X-Sink-From:" and "X-Sink-To:",
#                               then the data); writes DIR/ready when listening; exits after
#                               SECONDS
#   send PORT FROM TO[,TO..] [SUBJECT] [BODYFILE] [--user U --password P] [--starttls]
#                               one message over SMTP; prints "RCPT <addr> <code> <text>"
#                               per recipient and "DATA <code> <text>" (or "DATA skipped");
#                               exit status 0 when the message was accepted for at least one
#                               recipient, 1 when none, 2 on a connection/protocol error
#   imap PORT USER PASS list    prints the folder names, one a line
#   imap PORT USER PASS subjects [FOLDER]   prints the Subject of each message (INBOX)
#   sieve PORT USER PASS put NAME FILE      uploads NAME over ManageSieve and activates it
#   sieve PORT USER PASS list   prints the scripts ("NAME" or "NAME ACTIVE")
# Each command imports what it uses: on a loaded machine every module costs start-up time.
import os
import re
import socket
import sys
import time

TIMEOUT = 20


def die(msg, rc=2):
    print("mailserver.py: " + msg, file=sys.stderr)
    sys.exit(rc)


# ---------------------------------------------------------------- SMTP sink

def sink(args):
    import socketserver
    import threading

    class SinkHandler(socketserver.StreamRequestHandler):
        timeout = TIMEOUT

        def reply(self, text):
            self.wfile.write((text + "\r\n").encode())
            self.wfile.flush()

        def handle(self):
            srv = self.server
            self.reply("220 sink.vmailadm.test ESMTP test sink")
            mail_from, rcpts = None, []
            while True:
                line = self.rfile.readline(65536)
                if not line:
                    return
                cmd = line.decode("utf-8", "replace").rstrip("\r\n")
                verb = cmd[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250-sink.vmailadm.test" if verb == "EHLO" else "250 sink.vmailadm.test")
                    if verb == "EHLO":
                        self.reply("250-8BITMIME")
                        self.reply("250 SIZE 10485760")
                elif verb == "MAIL":
                    m = re.search(r"<([^>]*)>", cmd)
                    mail_from, rcpts = (m.group(1) if m else ""), []
                    self.reply("250 2.1.0 ok")
                elif verb == "RCPT":
                    m = re.search(r"<([^>]*)>", cmd)
                    rcpts.append(m.group(1) if m else "")
                    self.reply("250 2.1.5 ok")
                elif verb == "DATA":
                    if mail_from is None or not rcpts:
                        self.reply("503 5.5.1 no recipients")
                        continue
                    self.reply("354 go ahead")
                    data = []
                    while True:
                        l = self.rfile.readline(1 << 20)
                        if not l:
                            return
                        if l in (b".\r\n", b".\n"):
                            break
                        if l.startswith(b".."):
                            l = l[1:]
                        data.append(l)
                    with srv.lock:
                        srv.count += 1
                        n = srv.count
                    path = os.path.join(srv.dir, "%04d.eml" % n)
                    with open(path + ".tmp", "wb") as f:
                        f.write(("X-Sink-From: %s\r\nX-Sink-To: %s\r\n" % (mail_from, ",".join(rcpts))).encode())
                        f.write(b"".join(data))
                    os.rename(path + ".tmp", path)
                    mail_from, rcpts = None, []
                    self.reply("250 2.0.0 queued as sink%04d" % n)
                elif verb == "RSET":
                    mail_from, rcpts = None, []
                    self.reply("250 2.0.0 ok")
                elif verb == "NOOP":
                    self.reply("250 2.0.0 ok")
                elif verb == "QUIT":
                    self.reply("221 2.0.0 bye")
                    return
                else:
                    self.reply("502 5.5.2 not implemented")


    class Sink(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    if len(args) != 3:
        die("usage: sink DIR PORT SECONDS")
    d, port, secs = args[0], int(args[1]), float(args[2])
    srv = Sink(("127.0.0.1", port), SinkHandler)
    srv.dir, srv.count, srv.lock = d, 0, threading.Lock()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    open(os.path.join(d, "ready"), "w").close()
    time.sleep(secs)
    srv.shutdown()


# ---------------------------------------------------------------- SMTP client

def send(args):
    import smtplib
    user = password = None
    starttls = False
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "--user":
            user, i = args[i + 1], i + 2
        elif args[i] == "--password":
            password, i = args[i + 1], i + 2
        elif args[i] == "--starttls":
            starttls, i = True, i + 1
        else:
            rest.append(args[i])
            i += 1
    if len(rest) < 3:
        die("usage: send PORT FROM TO[,TO..] [SUBJECT] [BODYFILE]")
    port, frm, tos = int(rest[0]), rest[1], rest[2].split(",")
    subject = rest[3] if len(rest) > 3 else "test"
    body = "hello\n"
    if len(rest) > 4:
        with open(rest[4]) as f:
            body = f.read()
    msg = "From: <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s.%d@client.vmailadm.test>\r\n\r\n%s" % (
        frm, ", ".join("<%s>" % t for t in tos), subject, time.time(), os.getpid(),
        body.replace("\r\n", "\n").replace("\n", "\r\n"))
    try:
        s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.vmailadm.test", timeout=TIMEOUT)
        s.ehlo()
        if starttls:
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s.starttls(context=ctx)
            s.ehlo()
        if user is not None:
            s.login(user, password or "")
        code, text = s.mail(frm)
        if code != 250:
            print("MAIL %d %s" % (code, text.decode("utf-8", "replace")))
            s.quit()
            return 1
        ok = 0
        for t in tos:
            code, text = s.rcpt(t)
            print("RCPT %s %d %s" % (t, code, text.decode("utf-8", "replace")))
            if code in (250, 251):
                ok += 1
        if not ok:
            print("DATA skipped")
            s.quit()
            return 1
        code, text = s.data(msg.encode())
        print("DATA %d %s" % (code, text.decode("utf-8", "replace")))
        s.quit()
        return 0 if code == 250 else 1
    except (OSError, smtplib.SMTPException) as e:
        die("send: %s" % e)


# ---------------------------------------------------------------- IMAP reader

def imap(args):
    import email
    import imaplib
    if len(args) < 4:
        die("usage: imap PORT USER PASS list|subjects [FOLDER]")
    port, user, pw, what = int(args[0]), args[1], args[2], args[3]
    try:
        c = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
        c.login(user, pw)
        if what == "list":
            typ, data = c.list()
            for d in data:
                m = re.match(rb'\(.*?\) (?:"[^"]*"|NIL) (.*)$', d)
                name = m.group(1).decode() if m else d.decode()
                print(name.strip('"'))
        elif what == "subjects":
            folder = args[4] if len(args) > 4 else "INBOX"
            typ, data = c.select('"%s"' % folder, readonly=True)
            if typ != "OK":
                die("imap: cannot select %s: %s" % (folder, data), 1)
            typ, data = c.search(None, "ALL")
            for n in data[0].split():
                typ, msg = c.fetch(n, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                h = email.message_from_bytes(msg[0][1])
                print(h.get("Subject", ""))
        else:
            die("imap: unknown request %s" % what)
        c.logout()
    except imaplib.IMAP4.error as e:
        die("imap: %s" % e, 1)
    except OSError as e:
        die("imap: %s" % e)
    return 0


# ---------------------------------------------------------------- ManageSieve client (RFC 5804)

class ManageSieve:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.f = self.s.makefile("rb")
        self.response()  # the capabilities

    def line(self):
        l = self.f.readline(1 << 20)
        if not l:
            raise OSError("connection closed")
        return l.decode("utf-8", "replace").rstrip("\r\n")

    def response(self):
        """Lines up to OK/NO/BYE; returns (status, text, lines before it)."""
        lines = []
        while True:
            l = self.line()
            m = re.match(r"^(OK|NO|BYE)\b ?(.*)$", l)
            if m:
                text = m.group(2)
                lit = re.search(r"\{(\d+)\}$", text)
                if lit:
                    text = text[:lit.start()] + self.f.read(int(lit.group(1))).decode("utf-8", "replace")
                    self.line()
                return m.group(1), text, lines
            lit = re.search(r"\{(\d+)\+?\}$", l)
            if lit:
                l = l[:lit.start()] + self.f.read(int(lit.group(1))).decode("utf-8", "replace")
                self.line()
            lines.append(l)

    def cmd(self, text, literal=None):
        data = text.encode()
        if literal is not None:
            data += b" {%d+}\r\n" % len(literal) + literal
        self.s.sendall(data + b"\r\n")
        return self.response()


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sieve(args):
    if len(args) < 4:
        die("usage: sieve PORT USER PASS put NAME FILE | list")
    port, user, pw, what = int(args[0]), args[1], args[2], args[3]
    try:
        ms = ManageSieve(port)
        import base64
        tok = base64.b64encode(b"\0" + user.encode() + b"\0" + pw.encode()).decode()
        st, text, _ = ms.cmd('AUTHENTICATE "PLAIN" ' + quote(tok))
        if st != "OK":
            die("sieve: login refused: %s" % text, 1)
        if what == "put":
            name = args[4]
            with open(args[5], "rb") as f:
                script = f.read()
            st, text, _ = ms.cmd("PUTSCRIPT " + quote(name), script)
            if st != "OK":
                die("sieve: PUTSCRIPT: %s" % text, 1)
            st, text, _ = ms.cmd("SETACTIVE " + quote(name))
            if st != "OK":
                die("sieve: SETACTIVE: %s" % text, 1)
        elif what == "list":
            st, text, lines = ms.cmd("LISTSCRIPTS")
            if st != "OK":
                die("sieve: LISTSCRIPTS: %s" % text, 1)
            for l in lines:
                m = re.match(r'^"((?:[^"\\]|\\.)*)"( ACTIVE)?$', l)
                if m:
                    print(m.group(1) + (" ACTIVE" if m.group(2) else ""))
        else:
            die("sieve: unknown request %s" % what)
        ms.cmd("LOGOUT")
    except OSError as e:
        die("sieve: %s" % e)
    return 0


def main():
    if len(sys.argv) < 2:
        die("usage: mailserver.py sink|send|imap|sieve ...")
    fn = {"sink": sink, "send": send, "imap": imap, "sieve": sieve}.get(sys.argv[1])
    if not fn:
        die("unknown command %s" % sys.argv[1])
    sys.exit(fn(sys.argv[2:]) or 0)


if __name__ == "__main__":
    main()
