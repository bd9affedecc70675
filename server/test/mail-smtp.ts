import net from 'node:net';

/** A mail as the SMTP peer received it, with its text decoded. */
export interface Received {
  from: string;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP peer on a free local port, speaking just enough of RFC 5321 for nodemailer (EHLO,
 * MAIL, RCPT, DATA, RSET, NOOP, QUIT; no STARTTLS offered). `refuse` names recipients answered 550.
 */
export async function smtpPeer(refuse: (rcpt: string) => boolean = () => false) {
  const mails: Received[] = [];
  const server = net.createServer((sock) => session(sock, refuse, (m) => mails.push(m)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function session(sock: net.Socket, refuse: (rcpt: string) => boolean, done: (m: Received) => void) {
  sock.setEncoding('utf8');
  let buf = '';
  let inData = false;
  let env = { from: '', to: [] as string[] };
  const addr = (line: string) => /<([^>]*)>/.exec(line)?.[1] ?? '';
  sock.write('220 test ESMTP\r\n');
  sock.on('error', () => {});
  sock.on('data', (chunk: string) => {
    buf += chunk;
    for (;;) {
      if (inData) {
        const end = buf.indexOf('\r\n.\r\n');
        if (end < 0) return;
        const raw = buf.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
        buf = buf.slice(end + 5);
        inData = false;
        done({ ...env, ...parse(raw), raw });
        env = { from: '', to: [] };
        sock.write('250 OK queued\r\n');
        continue;
      }
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      const cmd = line.slice(0, 4).toUpperCase();
      if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250-test\r\n250 8BITMIME\r\n');
      else if (cmd === 'MAIL') {
        env.from = addr(line);
        sock.write('250 OK\r\n');
      } else if (cmd === 'RCPT') {
        const a = addr(line);
        if (refuse(a)) sock.write(`550 No such user <${a}>\r\n`);
        else {
          env.to.push(a);
          sock.write('250 OK\r\n');
        }
      } else if (cmd === 'DATA') {
        inData = true;
        sock.write('354 End with <CRLF>.<CRLF>\r\n');
      } else if (cmd === 'QUIT') sock.end('221 Bye\r\n');
      else if (cmd === 'RSET') {
        env = { from: '', to: [] };
        sock.write('250 OK\r\n');
      } else sock.write('250 OK\r\n');
    }
  });
}

function headersOf(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

const decodeWords = (s: string) =>
  s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : qp(data.replace(/_/g, ' ')),
  );

function qp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodePart(h: Record<string, string>, body: string): string {
  const enc = (h['content-transfer-encoding'] ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return qp(body);
  return body;
}

function parse(raw: string): Omit<Received, 'from' | 'to' | 'raw'> {
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const parts: { h: Record<string, string>; body: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      const at = chunk.indexOf('\r\n\r\n');
      if (at < 0) continue;
      parts.push({ h: headersOf(chunk.slice(0, at)), body: chunk.slice(at + 4) });
    }
  } else parts.push({ h: headers, body });
  const find = (type: string) => {
    const p = parts.find((x) => (x.h['content-type'] ?? '').startsWith(type));
    return p ? decodePart(p.h, p.body) : '';
  };
  return {
    headers,
    subject: decodeWords(headers.subject ?? ''),
    text: find('text/plain'),
    html: find('text/html'),
  };
}
