/**
 * Requests of the benchmarks' load, through node:http with kept-alive connections: `fetch` cost
 * the bench process ~1 ms of CPU per request, CPU that the clients and the servers share here.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs JSON and answers the JSON that comes back. */
export function postJson<T = unknown>(
  port: number,
  path: string,
  payload: unknown,
  cookie?: string,
): Promise<T> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString()) as T);
          } catch (e) {
            reject(e as Error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POSTs JSON and answers the status with the parsed body (`undefined` when it is not JSON), through
 * `agent` (default: the shared one); rejects on a network error, or after `timeoutMs` (the request
 * is then destroyed). For the load bench, which counts non-200 answers instead of failing on them.
 */
export function postJsonStatus(
  port: number,
  path: string,
  payload: unknown,
  cookie?: string,
  opts: { agent?: http.Agent; timeoutMs?: number } = {},
): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: opts.agent ?? agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString());
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = opts.timeoutMs
      ? setTimeout(() => req.destroy(new Error('TIMEOUT')), opts.timeoutMs)
      : undefined;
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

/** A GraphQL request to our server with a session, answering the whole result. */
export function postGraphQL(
  port: number,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ errors?: unknown }> {
  return postJson(port, '/graphql', { query, variables }, `otmetka_session=${token}`);
}

/** The same, throwing when the answer has errors. */
export async function graphQLOk(
  port: number,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<void> {
  const answer = await postGraphQL(port, token, query, variables);
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
}

/** Lets go of the kept-alive connections, so that the bench process can end. */
export function closeConnections(): void {
  agent.destroy();
}
