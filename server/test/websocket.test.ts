import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { createTestApp, type TestApp } from './helpers.js';

let t: TestApp;
let wsUrl: string;
beforeAll(async () => {
  t = await createTestApp();
  wsUrl = t.url.replace('http', 'ws');
});
afterAll(() => t.close());

/** The HTTP status with which the server answers a WebSocket handshake (101 when it accepts). */
function handshake(headers: Record<string, string>, url = wsUrl): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
    ws.on('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

describe('the WebSocket endpoint', () => {
  it('refuses an anonymous connection', async () => {
    expect(await handshake({ origin: t.origin })).toBe(401);
  });

  it('refuses a forged or ended session', async () => {
    expect(await handshake({ origin: t.origin, cookie: 'otmetka_session=forged' })).toBe(401);
    const c = await t.as('teacher');
    const cookie = c.cookie;
    await c.request('mutation { logout }');
    expect(await handshake({ origin: t.origin, cookie })).toBe(401);
  });

  it('refuses another origin, or none, even with a valid session', async () => {
    const c = await t.as('parent');
    expect(await handshake({ origin: 'https://evil.example', cookie: c.cookie })).toBe(403);
    expect(await handshake({ cookie: c.cookie })).toBe(403);
  });

  it('refuses other paths', async () => {
    const c = await t.as('parent');
    expect(
      await handshake({ origin: t.origin, cookie: c.cookie }, wsUrl.replace('/graphql', '/other')),
    ).toBe(404);
  });

  it('accepts a signed-in page of ours and answers as that viewer', async () => {
    const c = await t.as('parent');
    const cookie = c.cookie;
    const origin = t.origin;
    class Authed extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie, origin } });
      }
    }
    const client = createClient({
      url: wsUrl,
      webSocketImpl: Authed,
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query: '{ me { login children { id } } }' },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      expect(result).toMatchObject({ data: { me: { login: 'parent' } } });
      const denied = await new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query: '{ staff { login } }' },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      expect(denied).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    } finally {
      await client.dispose();
    }
  });
});
