import webpush from 'web-push';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { log } from '../../log.js';
import { claimDue, planDeliveries, type DueDelivery } from './push.delivery.js';
import { PUSHED_TYPES, summaryText, type PushText } from './push.texts.js';
import type { PushService } from './push.service.js';

/** Pushes claimed and sent in one go, and how many requests are in flight at once. */
const CLAIM = 1000;
const PARALLEL = 64;
/** How long a push service may keep a push for an offline device. */
const TTL_SECONDS = 24 * 3600;
/** Sent deliveries are kept this long (the outbox keeps its events far less). */
const KEEP_SENT = '7 days';

/** What one drain did: deliveries planned, pushes sent, devices found gone. */
export interface DrainResult {
  planned: number;
  sent: number;
  gone: number;
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
    const result: DrainResult = { planned: 0, sent: 0, gone: 0 };
    for (let n = -1; n !== 0;) {
      n = await planDeliveries(em, now);
      result.planned += n;
    }
    for (let due = await claimDue(em, now, CLAIM); due.length > 0;) {
      const gone = await this.sendAll(em, due);
      result.sent += due.length;
      result.gone += gone;
      due = due.length < CLAIM ? [] : await claimDue(em, now, CLAIM);
    }
    await em.execute(
      `delete from push_delivery where sent_at < ?::timestamptz - interval '${KEEP_SENT}'`,
      [now.toISOString()],
    );
    return result;
  }

  /** Sends the claimed deliveries, device by device; answers how many devices were gone. */
  private async sendAll(em: EntityManager, due: DueDelivery[]): Promise<number> {
    const vapid = await this.push.vapid(em);
    const messages = byDevice(due);
    const gone: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const m = messages[next++];
        if ((await this.send(m.to, m.text, vapid)) === 'gone') gone.push(m.to.deviceId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, messages.length) }, worker));
    if (gone.length > 0) {
      await em.execute(`delete from push_device where id = any(?::int[])`, [`{${gone.join(',')}}`]);
    }
    return gone.length;
  }

  /** One encrypted POST to the device's push service; 404 and 410 mean the device is gone. */
  private async send(
    to: DueDelivery,
    text: PushText,
    vapid: { publicKey: string; privateKey: string },
  ): Promise<'ok' | 'gone' | 'failed'> {
    try {
      const request = webpush.generateRequestDetails(
        { endpoint: to.endpoint, keys: { p256dh: to.p256dh, auth: to.auth } },
        JSON.stringify({ ...text, tag: `otmetka-${to.id}` }),
        {
          vapidDetails: { subject: this.push.options.subject, ...vapid },
          TTL: TTL_SECONDS,
          contentEncoding: 'aes128gcm',
        },
      );
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body as Buffer<ArrayBuffer>,
        signal: AbortSignal.timeout(15_000),
        redirect: 'error',
      });
      await response.arrayBuffer();
      if (response.status === 404 || response.status === 410) return 'gone';
      if (!response.ok) log.warn('push refused', { status: response.status });
      return response.ok ? 'ok' : 'failed';
    } catch (err) {
      log.warn('push not delivered', { error: String(err) });
      return 'failed';
    }
  }
}

/**
 * What goes to each device: each delivery on its own, except those held through quiet hours,
 * which go as one summary when there is more than one.
 */
function byDevice(due: DueDelivery[]): { to: DueDelivery; text: PushText }[] {
  const held = new Map<number, DueDelivery[]>();
  const out: { to: DueDelivery; text: PushText }[] = [];
  for (const d of due) {
    if (d.held) held.set(d.deviceId, [...(held.get(d.deviceId) ?? []), d]);
    else out.push({ to: d, text: d });
  }
  for (const list of held.values()) {
    const last = list[list.length - 1];
    out.push({
      to: last,
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
