import http from 'node:http';
import https from 'node:https';
import { setImmediate as nextTurn } from 'node:timers/promises';
import webpush from 'web-push';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { log } from '../../log.js';
import { claimDue, planDeliveries, putBack, type DueDelivery } from './push.delivery.js';
import { PUSHED_TYPES, summaryText, type PushText } from './push.texts.js';
import type { PushService } from './push.service.js';

/** Pushes claimed and sent in one go, and how many requests are in flight at once. */
const CLAIM = 1000;
const PARALLEL = 64;
/**
 * Connections kept open to each push service and reused (`node:http`, not `fetch`: undici's
 * fetch cost about 1 ms of CPU per POST here, a kept-alive `http.request` about 0.15 ms).
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: PARALLEL }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: PARALLEL }),
};
const ANSWER_WITHIN_MS = 15_000;
/** How long a push service may keep a push for an offline device. */
const TTL_SECONDS = 24 * 3600;
/** Sent deliveries are kept this long (the outbox keeps its events far less). */
const KEEP_SENT = '7 days';
/**
 * A push refused for now (429, 5xx, no answer) is tried at most this many times in all, waiting
 * 30 s, 2 min, 8 min, 32 min between them, or what the service's Retry-After asks, up to an hour.
 */
export const ATTEMPTS = 5;
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 3_600_000;
/** A VAPID signature is made once per push service and reused (valid 12 h, remade after 1 h). */
const VAPID_VALID_S = 12 * 3600;
const VAPID_REUSE_MS = 3_600_000;

/** What a push service answered: taken, gone for good, refused for now (wait), or refused. */
type Outcome =
  | { status: 'ok' }
  | { status: 'gone' }
  | { status: 'later'; waitMs: number | null }
  | { status: 'refused' };

/** What one drain did: deliveries planned, pushes sent, devices found gone. */
export interface DrainResult {
  planned: number;
  /** Deliveries claimed and not put back for a retry (accepted, or given up). */
  sent: number;
  gone: number;
  /** Deliveries refused for now and put back, to be tried again later. */
  retried: number;
}

/**
 * Sends pushes from the outbox (decision 54): woken by the bus when a pushable event commits,
 * and on a timer (quiet hours end, another process's events, a missed wake-up). Each drain plans
 * deliveries past the cursor, then claims and sends what is due: one push per delivery, and
 * for a device whose quiet hours have ended, one summary of all that waited.
 */
export class PushWorker {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly signatures = new Map<string, { header: string; until: number }>();

  constructor(
    private readonly push: PushService,
    private readonly em: () => EntityManager,
    private readonly now: () => Date,
  ) {}

  start(bus: EventBus, everyMs = 5000): void {
    const pushed = new Set(PUSHED_TYPES);
    this.unsubscribe = bus.subscribe((e) => {
      if (pushed.has(e.type)) this.wake();
    });
    this.timer = setInterval(() => this.wake(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
  }

  /** Runs a drain now, or once more after the running one. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.drain(this.em(), this.now()).catch((err: unknown) =>
        log.warn('pushes not sent; will retry', { error: String(err) }),
      );
    } while (this.again);
  }

  /** One pass: plan everything past the cursor, then send everything due. */
  async drain(em: EntityManager, now: Date): Promise<DrainResult> {
    const result: DrainResult = { planned: 0, sent: 0, gone: 0, retried: 0 };
    for (let n = -1; n !== 0;) {
      n = await planDeliveries(em, now);
      result.planned += n;
    }
    for (let due = await claimDue(em, now, CLAIM); due.length > 0;) {
      const { gone, retried } = await this.sendAll(em, due, now);
      result.sent += due.length - retried;
      result.gone += gone;
      result.retried += retried;
      due = due.length < CLAIM ? [] : await claimDue(em, now, CLAIM);
    }
    await em.execute(
      `delete from push_delivery where sent_at < ?::timestamptz - interval '${KEEP_SENT}'`,
      [now.toISOString()],
    );
    return result;
  }

  /**
   * Sends the claimed deliveries, device by device; deletes the devices found gone and puts back
   * the deliveries refused for now that have attempts left. Answers both counts.
   */
  private async sendAll(
    em: EntityManager,
    due: DueDelivery[],
    now: Date,
  ): Promise<{ gone: number; retried: number }> {
    const vapid = await this.push.vapid(em);
    const messages = byDevice(due);
    const gone: number[] = [];
    const retries: { id: string; at: Date }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const m = messages[next++];
        // Each push's encryption waits its turn behind the I/O already due (the live sockets'
        // frames of the same events): the burst never holds the event loop for long.
        await nextTurn();
        const outcome = await this.send(m.to, m.text, vapid);
        if (outcome.status === 'gone') gone.push(m.to.deviceId);
        if (outcome.status !== 'later') continue;
        const attempts = Math.max(...m.of.map((d) => d.attempts)) + 1;
        if (attempts >= ATTEMPTS) {
          log.warn('push given up', { attempts });
          continue;
        }
        const waitMs = Math.min(MAX_WAIT_MS, outcome.waitMs ?? FIRST_WAIT_MS * 4 ** (attempts - 1));
        const at = new Date(now.getTime() + waitMs);
        for (const d of m.of) retries.push({ id: d.id, at });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, messages.length) }, worker));
    if (gone.length > 0) {
      await em.execute(`delete from push_device where id = any(?::int[])`, [`{${gone.join(',')}}`]);
    }
    await putBack(em, retries);
    return { gone: gone.length, retried: retries.length };
  }

  /**
   * One encrypted POST to the device's push service: 2xx taken; 404 and 410 mean the device is
   * gone; 429, 5xx and no answer are worth trying again (after Retry-After when given); any other
   * answer is a refusal of this push that trying again would not change.
   */
  private async send(
    to: DueDelivery,
    text: PushText,
    vapid: { publicKey: string; privateKey: string },
  ): Promise<Outcome> {
    try {
      const request = webpush.generateRequestDetails(
        { endpoint: to.endpoint, keys: { p256dh: to.p256dh, auth: to.auth } },
        JSON.stringify({ ...text, tag: `otmetka-${to.id}` }),
        {
          // Signed here once per push service, not per push (web-push signs when given keys).
          headers: { Authorization: this.signature(to.endpoint, vapid) },
          TTL: TTL_SECONDS,
          contentEncoding: 'aes128gcm',
        },
      );
      const answer = await post(request);
      if (answer.status >= 200 && answer.status < 300) return { status: 'ok' };
      if (answer.status === 404 || answer.status === 410) return { status: 'gone' };
      log.warn('push refused', { status: answer.status });
      if (answer.status === 429 || answer.status >= 500) {
        return { status: 'later', waitMs: retryAfterMs(answer.retryAfter) };
      }
      return { status: 'refused' };
    } catch (err) {
      log.warn('push not delivered', { error: String(err) });
      return { status: 'later', waitMs: null };
    }
  }

  /** The VAPID `Authorization` header for the endpoint's push service (its origin). */
  private signature(endpoint: string, vapid: { publicKey: string; privateKey: string }): string {
    const audience = new URL(endpoint).origin;
    const at = Date.now();
    const kept = this.signatures.get(audience);
    if (kept && kept.until > at) return kept.header;
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      this.push.options.subject,
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
      Math.floor(at / 1000) + VAPID_VALID_S,
    );
    this.signatures.set(audience, { header: Authorization, until: at + VAPID_REUSE_MS });
    return Authorization;
  }
}

/**
 * POSTs the encrypted push on a kept-alive connection; answers the status and Retry-After, or
 * fails when no answer comes in time. Redirects are not followed (a refusal, as any 3xx).
 */
function post(
  request: webpush.RequestDetails,
): Promise<{ status: number; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.endpoint);
    const agent = AGENTS[url.protocol as keyof typeof AGENTS];
    if (!agent) return reject(new Error(`push service not http(s): ${url.protocol}`));
    const body = request.body as Buffer;
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: request.method,
        headers: { ...request.headers, 'Content-Length': body.length },
        agent,
        timeout: ANSWER_WITHIN_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: header(res.headers['retry-after']) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('push service did not answer in time')));
    req.on('error', reject);
    req.end(body);
  });
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

/** Retry-After as a wait in ms: seconds, or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/**
 * What goes to each device: each delivery on its own, except those held through quiet hours,
 * which go as one summary when there is more than one. `of` is the deliveries a push carries.
 */
function byDevice(due: DueDelivery[]): { to: DueDelivery; text: PushText; of: DueDelivery[] }[] {
  const held = new Map<number, DueDelivery[]>();
  const out: { to: DueDelivery; text: PushText; of: DueDelivery[] }[] = [];
  for (const d of due) {
    if (d.held) held.set(d.deviceId, [...(held.get(d.deviceId) ?? []), d]);
    else out.push({ to: d, text: d, of: [d] });
  }
  for (const list of held.values()) {
    const last = list[list.length - 1];
    out.push({
      to: last,
      of: list,
      text:
        list.length === 1
          ? last
          : summaryText(
              list.map((d) => d.kind),
              last.lang,
            ),
    });
  }
  return out;
}
