import { Filter } from '@mikro-orm/core';

/**
 * Every entity of school data carries this filter, on by default: a query made without the
 * viewer's school throws instead of reading across schools. Code that must work across schools
 * (sign-in, operator commands) turns it off explicitly with `filters: false`.
 */
export const TenantFilter = () =>
  Filter({
    name: 'tenant',
    cond: (args: { schoolId?: number }) => {
      if (args?.schoolId == null) throw new Error('tenant filter used without a school');
      return { school: args.schoolId };
    },
    default: true,
  });
