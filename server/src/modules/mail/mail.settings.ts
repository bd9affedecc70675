import { policy, Permission } from '../../auth/policy.js';
import { badInput, unauthenticated } from '../../errors.js';
import { optionalText } from '../../graphql/validate.js';
import { isEmail } from '../../documents/class-list.js';
import type { Scope } from '../../scope.js';
import { audit } from '../audit/audit.js';
import { MailDigest, type MailSettings, type MailSettingsInput } from './mail.types.js';
import { mailLang } from './mail.texts.js';

interface Row {
  email: string | null;
  digest: MailDigest | null;
  weeklyReport: boolean | null;
  lang: string | null;
}

async function read({ em, viewer }: Scope): Promise<Row> {
  const [row] = await em.execute<Row[]>(
    `select p.email, ms.digest, ms.weekly_report as "weeklyReport", ms.lang
       from person p left join mail_setting ms on ms.person_id = p.id
      where p.id = ? and p.school_id = ?`,
    [viewer!.personId, viewer!.schoolId],
  );
  return row;
}

/** The viewer's own settings: there is no way to name another person's. */
export async function mailSettings(scope: Scope, enabled: boolean): Promise<MailSettings> {
  policy.require(scope.viewer, Permission.MailOwn);
  const row = await read(scope);
  return {
    email: row.email,
    digest: row.digest ?? MailDigest.OFF,
    weeklyReport: row.weeklyReport ?? false,
    canReceiveReports: scope.viewer.childIds.length > 0,
    enabled,
    lang: mailLang(row.lang),
  };
}

function check(scope: Scope, input: MailSettingsInput): string | null {
  const email = optionalText('email', input.email ?? null, 200)?.toLowerCase() ?? null;
  if (email && !isEmail(email)) throw badInput('email', 'INVALID_EMAIL', 'Enter an e-mail');
  if (!email && (input.digest !== MailDigest.OFF || input.weeklyReport)) {
    throw badInput('email', 'REQUIRED', 'An address is needed to receive mail');
  }
  if (input.weeklyReport && scope.viewer!.childIds.length === 0) {
    throw badInput('weeklyReport', 'NOT_A_PARENT', 'Weekly reports go to parents');
  }
  return email;
}

/** Sets the viewer's own address and choices in one transaction; the address change audited. */
export async function setMailSettings(
  scope: Scope,
  input: MailSettingsInput,
  enabled: boolean,
): Promise<MailSettings> {
  const { em, viewer } = scope;
  if (!viewer) throw unauthenticated();
  policy.require(viewer, Permission.MailOwn);
  const email = check(scope, input);
  await em.transactional(async (tem) => {
    const [before] = await tem.execute<{ email: string | null }[]>(
      `select email from person where id = ? and school_id = ? for update`,
      [viewer.personId, viewer.schoolId],
    );
    if (before.email !== email) {
      await tem.execute(`update person set email = ? where id = ?`, [email, viewer.personId]);
      // The audit names the field, not the address: personal data stay in one place.
      audit(tem, viewer, 'person', viewer.personId, 'update', null, { fields: ['email'] });
    }
    await tem.execute(
      `insert into mail_setting as ms (person_id, school_id, digest, weekly_report, report_since, lang)
       values (?, ?, ?, ?, case when ? then now() end, ?)
       on conflict (person_id) do update set digest = excluded.digest,
         weekly_report = excluded.weekly_report, updated_at = now(),
         report_since = case when excluded.weekly_report and not ms.weekly_report then now()
                             else ms.report_since end,
         lang = coalesce(excluded.lang, ms.lang)`,
      [
        viewer.personId,
        viewer.schoolId,
        input.digest,
        input.weeklyReport,
        input.weeklyReport,
        input.lang ?? null,
      ],
    );
  });
  return mailSettings({ em, viewer }, enabled);
}
