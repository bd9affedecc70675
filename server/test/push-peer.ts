import http from 'node:http';
import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';

/** One POST the fake push service received, and the status it answered. */
export interface Received {
  device: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

/** An answer a device is given instead of 201: a status and headers (Retry-After). */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A push service on a local port: a real HTTP peer that takes the encrypted POSTs the server
 * sends. Each device is a path (`/d/<name>`); a device set `gone` is answered 410; a device with
 * answers queued in `next` is given them first, one per POST.
 */
export class FakePushService {
  readonly received: Received[] = [];
  readonly gone = new Set<string>();
  readonly next = new Map<string, Answer[]>();
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const device = (req.url ?? '').replace(/^\/d\//, '');
      const answer = this.next.get(device)?.shift() ?? {
        status: this.gone.has(device) ? 410 : 201,
      };
      this.received.push({
        device,
        headers: req.headers,
        body: Buffer.concat(chunks),
        status: answer.status,
      });
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as import('node:net').AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** What the server is told when a browser subscribes: endpoint and keys. */
  device(name: string): TestDevice {
    return new TestDevice(`http://127.0.0.1:${this.port}/d/${name}`, name);
  }

  /** The pushes a device received, decrypted (`accepted`: only those answered 2xx). */
  to(device: TestDevice, accepted = false): PushMessage[] {
    return this.received
      .filter((r) => r.device === device.name && (!accepted || r.status < 300))
      .map((r) => device.decrypt(r.body));
  }
}

export interface PushMessage {
  title: string;
  body: string;
  url: string;
  tag: string;
}

/** A subscription made in the test: its own P-256 key pair and auth secret, as a browser's. */
export class TestDevice {
  private readonly ecdh: ECDH = createECDH('prime256v1');
  private readonly authSecret = randomBytes(16);

  constructor(
    readonly endpoint: string,
    readonly name: string,
  ) {
    this.ecdh.generateKeys();
  }

  input(label = 'Телефон') {
    return {
      endpoint: this.endpoint,
      p256dh: this.ecdh.getPublicKey().toString('base64url'),
      auth: this.authSecret.toString('base64url'),
      label,
    };
  }

  /** RFC 8291 (aes128gcm): the push as the browser would read it. */
  decrypt(body: Buffer): PushMessage {
    const salt = body.subarray(0, 16);
    const idlen = body[20];
    const serverKey = body.subarray(21, 21 + idlen);
    const cipher = body.subarray(21 + idlen);
    const secret = this.ecdh.computeSecret(serverKey);
    const info = Buffer.concat([
      Buffer.from('WebPush: info\0'),
      this.ecdh.getPublicKey(),
      serverKey,
    ]);
    const ikm = Buffer.from(hkdfSync('sha256', secret, this.authSecret, info, 32));
    const key = (label: string, n: number) =>
      Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(`Content-Encoding: ${label}\0`), n));
    const decipher = createDecipheriv('aes-128-gcm', key('aes128gcm', 16), key('nonce', 12));
    decipher.setAuthTag(cipher.subarray(cipher.length - 16));
    const plain = Buffer.concat([decipher.update(cipher.subarray(0, -16)), decipher.final()]);
    let end = plain.length - 1;
    while (plain[end] === 0) end--; // padding, then the 0x02 delimiter
    return JSON.parse(plain.subarray(0, end).toString('utf8')) as PushMessage;
  }
}
