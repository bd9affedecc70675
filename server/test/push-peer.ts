import http from 'node:http';
import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';

/** One POST the fake push service received. */
export interface Received {
  device: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A push service on a local port: a real HTTP peer that takes the encrypted POSTs the server
 * sends. Each device is a path (`/d/<name>`); a device set `gone` is answered 410.
 */
export class FakePushService {
  readonly received: Received[] = [];
  readonly gone = new Set<string>();
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const device = (req.url ?? '').replace(/^\/d\//, '');
      this.received.push({ device, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(this.gone.has(device) ? 410 : 201).end();
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

  /** The pushes a device received, decrypted. */
  to(device: TestDevice): PushMessage[] {
    return this.received.filter((r) => r.device === device.name).map((r) => device.decrypt(r.body));
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
