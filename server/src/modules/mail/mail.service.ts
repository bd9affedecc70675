import nodemailer, { type Transporter } from 'nodemailer';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import { log } from '../../log.js';
import { localTime, todayIn } from '../../time.js';
import type { Scope } from '../../scope.js';
import { composeDigest, composeReport, type Composed } from './mail.compose.js';
import {
  claimDigests,
  claimReports,
  claimRetries,
  digestContent,
  reportContent,
  settle,
  type Claimed,
} from './mail.queries.js';
import { mailSettings, setMailSettings } from './mail.settings.js';
import { mailSecret, signUnsubscribe, TOKEN_DAYS, verifyUnsubscribe } from './mail.token.js';
import type { MailSettings, MailSettingsInput } from './mail.types.js';
import { mailLang } from './mail.texts.js';
import type { Lang } from '../../graphql/enums.js';

/** Digests leave at this hour of the school's day; the weekly one on Friday. */
export const DIGEST_HOUR = 18;

export interface MailOptions {
  smtpUrl: string;
  from: string;
  /** Where links in a mail point: the public address of the diary. */
  baseUrl: string;
}

/**
 * E-mail (issue 17): each person's own settings, and the sending. Sending is a tick (every
 * minute in the server, `app.ts`): per school, at its local time, claim the period's mails (a
 * unique delivery row each: at most once per person and period, whatever the processes), then,
 * after that commit, read each mail's content in one statement, send it over SMTP and settle
 * the row. Nothing personal is logged: counts only.
 */
export class MailService {
  private readonly transport?: Transporter;

  constructor(
    private readonly options: MailOptions | undefined,
    private readonly clock: Clock,
  ) {
    if (options) this.transport = nodemailer.createTransport(options.smtpUrl);
  }

  get enabled(): boolean {
    return !!this.transport;
  }

  settings(scope: Scope): Promise<MailSettings> {
    return mailSettings(scope, this.enabled);
  }

  setSettings(scope: Scope, input: MailSettingsInput): Promise<MailSettings> {
    return setMailSettings(scope, input, this.enabled);
  }

  /** Sends what is due in every school now; answers how many mails went out. */
  async tick(em: EntityManager, now = this.clock.now()): Promise<number> {
    if (!this.transport) return 0;
    const schools = await em.execute<{ id: number; tz: string }[]>(
      `select id, time_zone as tz from school order by id`,
    );
    let sent = 0;
    for (const s of schools) sent += await this.tickSchool(em, s.id, s.tz, now);
    if (sent > 0) log.info('mail sent', { count: sent });
    return sent;
  }

  private async tickSchool(em: EntityManager, school: number, tz: string, now: Date) {
    const claimed = [...(await claimRetries(em, school)), ...(await claimReports(em, school))];
    for (const d of duePeriods(tz, now)) {
      claimed.push(...(await claimDigests(em, school, d.kind, d.key, now, d.days)));
    }
    let sent = 0;
    for (const c of claimed) sent += await this.deliver(em, school, todayIn(tz, now), c);
    return sent;
  }

  private async deliver(em: EntityManager, school: number, today: string, c: Claimed) {
    const secret = await mailSecret(em);
    const list = c.kind === 'WEEKLY_REPORT' ? 'report' : 'digest';
    const expires = Math.floor(this.clock.now().getTime() / 1000) + TOKEN_DAYS * 86_400;
    const token = signUnsubscribe(secret, { personId: c.personId, list, expires });
    const links = {
      app: `${this.options!.baseUrl}/`,
      unsubscribe: `${this.options!.baseUrl}/mail/unsubscribe?t=${token}`,
    };
    let mail: { to: string; composed: Composed | null } | null;
    if (c.kind === 'WEEKLY_REPORT') {
      const r = await reportContent(em, school, c);
      mail = r && { to: r.email, composed: composeReport(r, links, mailLang(r.lang)) };
    } else {
      const d = await digestContent(em, school, c, today);
      mail = d && {
        to: d.email,
        composed: composeDigest(d, c.kind === 'DIGEST_WEEKLY', links, mailLang(d.lang)),
      };
    }
    if (!mail?.composed) {
      await settle(em, c.id, 'EMPTY');
      return 0;
    }
    return this.send(em, c.id, mail.to, mail.composed, links.unsubscribe);
  }

  private async send(em: EntityManager, id: string, to: string, m: Composed, unsubscribe: string) {
    try {
      await this.transport!.sendMail({
        from: this.options!.from,
        to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: {
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
    } catch (e) {
      // The SMTP server's answer may quote the address: only its code is logged.
      log.warn('mail not sent; will retry', { delivery: id, code: (e as { code?: string }).code });
      await settle(em, id, 'FAILED');
      return 0;
    }
    await settle(em, id, 'SENT');
    return 1;
  }

  /**
   * Turns off what a signed link names, answering it and its person's language; null when the
   * link is forged or has expired.
   */
  async unsubscribe(
    em: EntityManager,
    token: string,
  ): Promise<{ list: 'digest' | 'report'; lang: Lang } | null> {
    const u = verifyUnsubscribe(await mailSecret(em), token, this.clock.now());
    if (!u) return null;
    await em.execute(
      u.list === 'digest'
        ? `update mail_setting set digest = 'OFF', updated_at = now() where person_id = ?`
        : `update mail_setting set weekly_report = false, updated_at = now() where person_id = ?`,
      [u.personId],
    );
    return { list: u.list, lang: await this.langOf(em, u.personId) };
  }

  /**
   * Whether a link is genuine and current (the confirmation page asks before unsubscribing):
   * the language of its person's mails, or null.
   */
  async checkToken(em: EntityManager, token: string): Promise<Lang | null> {
    const u = verifyUnsubscribe(await mailSecret(em), token, this.clock.now());
    return u && this.langOf(em, u.personId);
  }

  /** The language a person's mails and pages are in. */
  async langOf(em: EntityManager, personId: number): Promise<Lang> {
    const [row] = await em.execute<{ lang: string }[]>(
      `select lang from mail_setting where person_id = ?`,
      [personId],
    );
    return mailLang(row?.lang);
  }
}

/** The digests due in a school at this instant, by its wall clock. */
export function duePeriods(
  tz: string,
  now: Date,
): { kind: 'DIGEST_DAILY' | 'DIGEST_WEEKLY'; key: string; days: number }[] {
  const t = localTime(tz, now);
  const date = `${t.year}-${t.month}-${t.day}`;
  const evening = Number(t.hour) >= DIGEST_HOUR;
  const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const due: { kind: 'DIGEST_DAILY' | 'DIGEST_WEEKLY'; key: string; days: number }[] = [];
  if (evening) due.push({ kind: 'DIGEST_DAILY', key: date, days: 1 });
  if ((weekday === 5 && evening) || weekday > 5) {
    const monday = new Date(`${date}T00:00:00Z`);
    monday.setUTCDate(monday.getUTCDate() - (weekday - 1));
    due.push({ kind: 'DIGEST_WEEKLY', key: monday.toISOString().slice(0, 10), days: 7 });
  }
  return due;
}
