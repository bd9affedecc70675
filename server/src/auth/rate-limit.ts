import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Knex } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';

/**
 * Failures one login may have from all addresses together in an hour, as a multiple of those it
 * may have from one address: high enough that a stranger at one address (paused after a few) cannot
 * lock the owner out, low enough to stop guessing spread over many addresses.
 */
const PER_LOGIN_FACTOR = 20;
const HOUR_SECONDS = 3600;

/**
 * Failed sign-ins counted per login and address together, per address, and per login across all
 * addresses (docs/decisions/0026-login-throttle-by-pair.md), in PostgreSQL so that every server
 * process sees the same counts. Keys are hashed: the table never holds a login or an address.
 */
export class LoginRateLimiter {
  private readonly byPair: RateLimiterPostgres;
  private readonly byAddress: RateLimiterPostgres;
  private readonly byLogin: RateLimiterPostgres;

  /** `prefix` keeps separate counts for separate doors: '' for sign-ins, 'act' for activations. */
  constructor(
    knex: Knex,
    limits: Config['login'],
    private readonly what = 'sign-ins',
    prefix = '',
  ) {
    const common = {
      storeClient: knex,
      storeType: 'knex',
      tableName: 'login_rate_limit',
      tableCreated: true,
      clearExpiredByTimeout: false,
      duration: limits.blockSeconds,
    };
    this.byPair = new RateLimiterPostgres({
      ...common,
      keyPrefix: `${prefix}p`,
      points: limits.maxFailures,
    });
    this.byAddress = new RateLimiterPostgres({
      ...common,
      keyPrefix: `${prefix}a`,
      points: limits.maxFailuresPerAddress,
    });
    this.byLogin = new RateLimiterPostgres({
      ...common,
      keyPrefix: `${prefix}l`,
      points: limits.maxFailures * PER_LOGIN_FACTOR,
      duration: HOUR_SECONDS,
    });
  }

  private static key(...parts: string[]) {
    return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 40);
  }

  private keys(login: string, address: string) {
    const a = addressKey(address);
    return {
      pair: LoginRateLimiter.key(login, a),
      address: LoginRateLimiter.key(a),
      login: LoginRateLimiter.key(login),
    };
  }

  /** Refuses at once when any counter is exhausted: the right password does not pass then. */
  async check(login: string, address: string): Promise<void> {
    const k = this.keys(login, address);
    const counts = await Promise.all([
      this.byPair.get(k.pair),
      this.byAddress.get(k.address),
      this.byLogin.get(k.login),
    ]);
    const blocked = counts.filter(
      (r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0 && r.msBeforeNext > 0,
    );
    if (blocked.length > 0) {
      throw tooMany(Math.max(...blocked.map((r) => r.msBeforeNext)), this.what);
    }
  }

  async recordFailure(login: string, address: string): Promise<void> {
    const k = this.keys(login, address);
    await Promise.all([
      this.byPair.penalty(k.pair, 1),
      this.byAddress.penalty(k.address, 1),
      this.byLogin.penalty(k.login, 1),
    ]);
  }

  /**
   * Forgets this address's failures for the login (a typo or two before the right password). The
   * address's and the login's totals stay: a success proves nothing about the other attempts.
   */
  async recordSuccess(login: string, address: string): Promise<void> {
    await this.byPair.delete(this.keys(login, address).pair);
  }
}

/**
 * One key per client: an IPv4 address, or an IPv6 address's /64 (one home or host is given a whole
 * /64, so counting its single addresses would let it walk around every limit).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

function tooMany(ms: number, what: string) {
  const retryAfterSeconds = Math.ceil(ms / 1000);
  return new DomainError(
    'RATE_LIMITED',
    `Too many failed ${what}. Try again in ${Math.ceil(retryAfterSeconds / 60)} min.`,
    {
      retryAfterSeconds,
    },
  );
}
