import { Permission, policy } from '../../auth/policy.js';
import { notFound } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { StudyPeriod } from '../school/study-period.entity.js';
import { audit } from '../audit/audit.js';

/** Closing a study period freezes its marks; reopening needs the administration and a reason. */
export class PeriodLockService {
  async lock({ em, viewer }: Scope, periodId: string): Promise<StudyPeriod> {
    policy.require(viewer, Permission.PeriodLock);
    return em.transactional(async (tem) => {
      const period = await this.period(tem, viewer.schoolId, periodId);
      if (!period.lockedAt) {
        period.lockedAt = new Date();
        audit(tem, viewer, 'study_period', period.id, 'lock', { locked: false }, { locked: true });
      }
      return period;
    });
  }

  async unlock({ em, viewer }: Scope, periodId: string, reason: string): Promise<StudyPeriod> {
    policy.require(viewer, Permission.PeriodLock);
    const why = requiredText('reason', reason, 500);
    return em.transactional(async (tem) => {
      const period = await this.period(tem, viewer.schoolId, periodId);
      if (period.lockedAt) {
        period.lockedAt = null;
        audit(
          tem,
          viewer,
          'study_period',
          period.id,
          'unlock',
          { locked: true },
          { locked: false },
          why,
        );
      }
      return period;
    });
  }

  private async period(em: Scope['em'], schoolId: number, id: string): Promise<StudyPeriod> {
    const period = await em.findOne(StudyPeriod, { id: parseId('periodId', id), school: schoolId });
    if (!period) throw notFound();
    return period;
  }
}
