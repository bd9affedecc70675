import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound, unauthenticated } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { Viewer } from '../../auth/viewer.js';
import { Lang } from '../../graphql/enums.js';
import { loadVapidKeys, type VapidKeys } from './push.vapid.js';
import {
  ALL_KINDS,
  PushKind,
  type PushDevice,
  type PushDeviceInput,
  type PushPreferencesInput,
  type PushSettings,
} from './push.types.js';
import { pgArray } from './push.delivery.js';

/** A person's devices at most: a phone, a tablet, a few browsers. */
export const MAX_DEVICES = 10;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A P-256 public key (65 bytes) and a 16-byte auth secret, URL-safe base64 without padding. */
const P256DH = /^[A-Za-z0-9_-]{86,88}={0,2}$/;
const AUTH = /^[A-Za-z0-9_-]{22,24}={0,2}$/;

export interface PushOptions {
  vapid?: VapidKeys;
  subject: string;
  /** A device may name a plain-http push service (tests and benchmarks only). */
  allowHttp: boolean;
}

/**
 * A person's push devices and choices (their own only: every statement is keyed by the viewer's
 * person), and the server's VAPID keys. Delivery is `push.worker.ts`.
 */
export class PushService {
  private keys: Promise<VapidKeys> | undefined;

  constructor(readonly options: PushOptions) {}

  vapid(em: EntityManager): Promise<VapidKeys> {
    this.keys ??= loadVapidKeys(em.fork(), this.options.vapid).catch((err) => {
      this.keys = undefined;
      throw err;
    });
    return this.keys;
  }

  async settings({ em, viewer }: Scope): Promise<PushSettings> {
    const me = signedIn(viewer);
    const [s] = await em.execute<
      { kinds: PushKind[]; detail: boolean; quietFrom: string | null; quietTo: string | null }[]
    >(
      `select kinds, detail, to_char(quiet_from, 'HH24:MI') as "quietFrom",
              to_char(quiet_to, 'HH24:MI') as "quietTo"
         from push_setting where person_id = ?`,
      [me.personId],
    );
    const devices = await em.execute<PushDevice[]>(
      `select id::text, label, endpoint, created_at as "createdAt" from push_device
        where person_id = ? order by id`,
      [me.personId],
    );
    return {
      publicKey: (await this.vapid(em)).publicKey,
      kinds: s?.kinds ?? [...ALL_KINDS],
      detail: s?.detail ?? true,
      quietFrom: s?.quietFrom ?? null,
      quietTo: s?.quietTo ?? null,
      devices: devices.map((d) => ({ ...d, createdAt: new Date(d.createdAt) })),
    };
  }

  async setPreferences(scope: Scope, input: PushPreferencesInput): Promise<PushSettings> {
    const me = signedIn(scope.viewer);
    const quietFrom = input.quietFrom?.trim() || null;
    const quietTo = input.quietTo?.trim() || null;
    if (quietFrom && !HHMM.test(quietFrom)) {
      throw badInput('quietFrom', 'INVALID_FORMAT', 'A time as HH:MM');
    }
    if (quietTo && !HHMM.test(quietTo)) {
      throw badInput('quietTo', 'INVALID_FORMAT', 'A time as HH:MM');
    }
    if (!quietFrom !== !quietTo) {
      throw badInput(quietFrom ? 'quietTo' : 'quietFrom', 'REQUIRED', 'Give both ends or neither');
    }
    const kinds = [...new Set(input.kinds)];
    await scope.em.execute(
      `insert into push_setting (person_id, school_id, kinds, detail, quiet_from, quiet_to)
       values (?, ?, ?::text[], ?, ?::time, ?::time)
       on conflict (person_id) do update
          set kinds = excluded.kinds, detail = excluded.detail, quiet_from = excluded.quiet_from,
              quiet_to = excluded.quiet_to, updated_at = now()`,
      [me.personId, me.schoolId, pgArray(kinds), input.detail, quietFrom, quietTo],
    );
    return this.settings(scope);
  }

  /**
   * Subscribes a device of the viewer's. The same browser subscribing again (its endpoint) is
   * the same device, taken over by whoever is signed in on it now.
   */
  async addDevice(scope: Scope, input: PushDeviceInput): Promise<PushDevice> {
    const me = signedIn(scope.viewer);
    const endpoint = this.checkEndpoint(input.endpoint);
    if (!P256DH.test(input.p256dh)) throw badInput('p256dh', 'INVALID_VALUE', 'Not a P-256 key');
    if (!AUTH.test(input.auth)) throw badInput('auth', 'INVALID_VALUE', 'Not an auth secret');
    const label = requiredText('label', input.label, 100);
    const lang = input.lang === Lang.EN ? 'en' : 'ru';
    return scope.em.transactional(async (tem) => {
      const [{ n }] = await tem.execute<{ n: number }[]>(
        `select count(*)::int as n from push_device where person_id = ? and endpoint <> ?`,
        [me.personId, endpoint],
      );
      if (n >= MAX_DEVICES) {
        throw badInput('endpoint', 'TOO_MANY', `At most ${MAX_DEVICES} devices; remove one first`);
      }
      const [row] = await tem.execute<PushDevice[]>(
        `insert into push_device (school_id, person_id, endpoint, p256dh, auth, label, lang, after_event_id)
         values (?, ?, ?, ?, ?, ?, ?, (select coalesce(max(id), 0) from domain_event))
         on conflict (endpoint) do update
            set school_id = excluded.school_id, person_id = excluded.person_id,
                p256dh = excluded.p256dh, auth = excluded.auth, label = excluded.label,
                lang = excluded.lang, after_event_id = excluded.after_event_id, created_at = now()
         returning id::text, label, endpoint, created_at as "createdAt"`,
        [me.schoolId, me.personId, endpoint, input.p256dh, input.auth, label, lang],
      );
      return { ...row, createdAt: new Date(row.createdAt) };
    });
  }

  /** Unsubscribes one of the viewer's own devices; another's is NOT_FOUND, as if it were not. */
  async removeDevice({ em, viewer }: Scope, id: string): Promise<string> {
    const me = signedIn(viewer);
    const rows = await em.execute<{ id: number }[]>(
      `delete from push_device where id = ? and person_id = ? returning id`,
      [parseId('id', id), me.personId],
    );
    if (rows.length === 0) throw notFound();
    return id;
  }

  private checkEndpoint(value: string): string {
    const endpoint = requiredText('endpoint', value, 1000);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw badInput('endpoint', 'INVALID_VALUE', 'Not an address');
    }
    const ok = url.protocol === 'https:' || (this.options.allowHttp && url.protocol === 'http:');
    if (!ok) throw badInput('endpoint', 'INVALID_VALUE', 'A push service is reached over https');
    return endpoint;
  }
}

function signedIn(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}
