import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { personViewer, type Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { DomainError } from '../../errors.js';
import type { DocumentDelivery } from '../../events/document-delivery.js';
import { FileFormat, Lang } from '../../graphql/enums.js';
import { log } from '../../log.js';
import type { ReportExportService } from './report-export.service.js';
import type { ReportSpec } from './report.inputs.js';
import { ReportScheduleFrequency } from './report-view.entity.js';
import { dueOccurrence } from './report-schedule.js';
import {
  claimDelivery,
  dueRecipients,
  markDone,
  scheduledViews,
  type DueRecipient,
  type ScheduledView,
} from './report-schedule.queries.js';

/**
 * Scheduled report views (issue 18, decision 64). A tick (every minute in the server, beside the
 * mail's, `app.ts`) finds the views due by each school's wall clock and, for each member of the
 * audience as it is now, makes the XLSX under that member's own row filter (sharing never shares
 * data) and hands it to the document delivery (messaging: a message from the owner with the file
 * attached), the claim of the (view, occurrence, person) row and the message in one transaction,
 * so it is sent once whatever the number of processes. The message and the file are in the
 * member's language, the one kept with their mail settings (decision 67; none kept: the school's,
 * Russian). Nothing personal is logged: ids and counts.
 */
export class ReportScheduleService {
  constructor(
    private readonly exports: ReportExportService,
    private readonly delivery: DocumentDelivery,
    private readonly clock: Clock,
  ) {}

  /** Sends what is due now in every school; answers how many messages went out. */
  async tick(em: EntityManager, now = this.clock.now()): Promise<number> {
    let sent = 0;
    for (const v of await scheduledViews(em)) {
      const wall = this.clock.wallClock(v.timeZone, now);
      const occursOn = dueOccurrence(v, wall, v.from, v.done);
      if (!occursOn) continue;
      sent += await this.sendView(em, v, occursOn, wall.date, now);
    }
    if (sent > 0) log.info('scheduled reports sent', { count: sent });
    return sent;
  }

  private async sendView(
    em: EntityManager,
    v: ScheduledView,
    occursOn: string,
    today: string,
    now: Date,
  ): Promise<number> {
    // The owner sends it: one who left the school (or no longer runs reports) sends nothing.
    const owner = await personViewer(em, v.ownerId);
    if (!owner || owner.schoolId !== v.schoolId || !policy.can(owner, Permission.ReportsRead)) {
      return 0;
    }
    let sent = 0;
    let failed = 0;
    for (const recipient of await dueRecipients(em, v.id, occursOn)) {
      try {
        sent += await this.sendTo(em, v, occursOn, recipient, today, now);
      } catch {
        failed++;
        log.warn('scheduled report not sent; will retry', { view: v.id, person: recipient.id });
      }
    }
    if (failed === 0) await markDone(em, v.id, occursOn);
    return sent;
  }

  private async sendTo(
    em: EntityManager,
    v: ScheduledView,
    occursOn: string,
    recipient: DueRecipient,
    today: string,
    now: Date,
  ): Promise<number> {
    const personId = recipient.id;
    const lang = recipient.lang === Lang.EN ? Lang.EN : Lang.RU;
    const viewer = await personViewer(em, personId);
    if (!viewer || viewer.schoolId !== v.schoolId || !policy.can(viewer, Permission.ReportsRead)) {
      return 0;
    }
    const file = await this.xlsxFor(em, viewer, v, lang, today, now);
    return em.transactional(async (tem) => {
      const claim = await claimDelivery(tem, v, occursOn, personId);
      if (!claim) return 0;
      // A view this member's filter cannot answer (too many rows for them): claimed, not sent.
      if (!file) return 0;
      const { messageId } = await this.delivery.deliverDocument(tem, {
        schoolId: v.schoolId,
        senderId: v.ownerId,
        recipientId: personId,
        text: messageText(v, occursOn, lang),
        file,
      });
      await tem.execute(`update report_view_delivery set message_id = ? where id = ?`, [
        messageId,
        claim,
      ]);
      return 1;
    });
  }

  /** The view as an XLSX under the member's own row filter; null when it refuses their input. */
  private async xlsxFor(
    em: EntityManager,
    viewer: Viewer,
    v: ScheduledView,
    lang: Lang,
    today: string,
    now: Date,
  ): Promise<{ name: string; contentType: string; data: Buffer } | null> {
    try {
      const f = await this.exports.export(
        { em, viewer },
        v.spec as unknown as ReportSpec,
        FileFormat.XLSX,
        lang,
        today,
        now,
        { name: v.name, description: v.description },
      );
      return {
        name: f.filename,
        contentType: f.contentType,
        data: Buffer.from(f.base64, 'base64'),
      };
    } catch (e) {
      if (e instanceof DomainError && e.code === 'BAD_USER_INPUT') {
        log.warn('scheduled report refused for a member', { view: v.id, person: viewer.personId });
        return null;
      }
      throw e;
    }
  }
}

/** The message's words in each language: «04.01.2027» in Russian, «4 Jan 2027» in English. */
const MESSAGE: Record<
  Lang,
  {
    frequency: Record<ReportScheduleFrequency, string>;
    text: (name: string, on: string, how: string) => string;
    date: (iso: string) => string;
  }
> = {
  [Lang.RU]: {
    frequency: {
      [ReportScheduleFrequency.OFF]: '',
      [ReportScheduleFrequency.WEEKLY]: 'еженедельно',
      [ReportScheduleFrequency.MONTHLY]: 'ежемесячно',
    },
    date: (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`,
    text: (name, on, how) =>
      `Отчёт «${name}» на ${on} (по расписанию, ${how}). ` +
      'В таблице только то, что вам доступно в отчётах.',
  },
  [Lang.EN]: {
    frequency: {
      [ReportScheduleFrequency.OFF]: '',
      [ReportScheduleFrequency.WEEKLY]: 'weekly',
      [ReportScheduleFrequency.MONTHLY]: 'monthly',
    },
    date: (iso) =>
      new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    text: (name, on, how) =>
      `Report “${name}” for ${on} (scheduled, ${how}). ` +
      'The table holds only what reports show you.',
  },
};

/** The message's text in the member's language (the file's headings are in it too). */
function messageText(v: ScheduledView, occursOn: string, lang: Lang): string {
  const words = MESSAGE[lang];
  return words.text(v.name, words.date(occursOn), words.frequency[v.frequency]);
}
