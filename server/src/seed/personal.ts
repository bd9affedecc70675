import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Plausible personal data for a demo school, derived from ids so that it is the same on every
 * run: pupils' birth dates by grade, birth certificates, family addresses and phones, consents for
 * most pupils (a few missing, so that the flag shows), and record confirmations (a few stale).
 */
export async function fillPersonalData(
  em: EntityManager,
  schoolId: number,
  today: string,
  startYear: number,
): Promise<void> {
  await em.execute(
    `update person p set
        phone = '+79' || lpad(((p.id * 7919) % 1000000000)::text, 9, '0'),
        email = case when p.id % 3 = 0 then 'parent' || p.id || '@example.ru' end,
        address = 'Тверская обл., д. Берёзовка, ул. ' ||
                  (array['Школьная','Лесная','Садовая','Центральная','Полевая'])[1 + p.id % 5] || ', д. ' || (1 + p.id % 40)
      where p.school_id = ? and exists(select 1 from role_grant g where g.person_id = p.id and g.role = 'PARENT')`,
    [schoolId],
  );
  await em.execute(
    `update person p set
        birth_date = make_date(? - c.grade - 6 - case when p.id % 12 >= 8 then 1 else 0 end, 1 + p.id % 12, 1 + p.id % 28),
        document = 'II-ОН № ' || lpad(((p.id * 37) % 1000000)::text, 6, '0'),
        address = (select gp.address from guardianship g join person gp on gp.id = g.guardian_id
                    where g.pupil_id = p.id order by g.id limit 1)
       from enrollment e join class_group c on c.id = e.class_group_id
      where p.school_id = ? and e.pupil_id = p.id`,
    [startYear, schoolId],
  );
  // A family lives together: each parent at their (first) child's address.
  await em.execute(
    `update person p set address = (select c.address from guardianship g join person c on c.id = g.pupil_id
                                      where g.guardian_id = p.id order by g.pupil_id limit 1)
      where p.school_id = ? and exists(select 1 from guardianship g where g.guardian_id = p.id)`,
    [schoolId],
  );
  await em.execute(
    `update person p set
        record_confirmed_at = (?::date - case when p.id % 7 = 0 then 40 else p.id % 25 end) + time '10:00',
        record_confirmed_by = (select c.class_teacher_id from enrollment e join class_group c on c.id = e.class_group_id
                                where e.pupil_id = p.id or e.pupil_id in (select pupil_id from guardianship where guardian_id = p.id) limit 1)
      where p.school_id = ? and exists(select 1 from role_grant g where g.person_id = p.id and g.role in ('STUDENT', 'PARENT'))`,
    [today, schoolId],
  );
  await em.execute(
    `insert into consent (school_id, subject_id, given_by_id, document, given_on, recorded_by_id, recorded_at)
     select p.school_id, p.id,
            (select g.guardian_id from guardianship g where g.pupil_id = p.id order by g.id limit 1),
            'Согласие на обработку персональных данных № ' || p.id, make_date(?, 9, 1),
            (select c.class_teacher_id from enrollment e join class_group c on c.id = e.class_group_id where e.pupil_id = p.id limit 1),
            make_date(?, 9, 1) + time '12:00'
       from person p
      where p.school_id = ? and p.id % 9 <> 0
        and exists(select 1 from role_grant g where g.person_id = p.id and g.role = 'STUDENT')`,
    [startYear, startYear, schoolId],
  );
}
