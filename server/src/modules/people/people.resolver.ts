import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import type { RequestContext } from '../../graphql/context.js';
import { Permission, policy } from '../../auth/policy.js';
import { Role, hasStaffRole } from '../../auth/role.js';
import { Sex } from './person.entity.js';
import { PeopleLoaders } from './people.loaders.js';
import { PersonalDataReads } from './pd-log.js';
import { CONFIRM_EVERY_DAYS } from './people.service.js';
import {
  AccessStatus,
  ClassRoster,
  ConsentRecord,
  EnrollmentRecord,
  FamilyLink,
  FileDownload,
  ImportPreview,
  ImportResult,
  PersonRecord,
  PersonalDataAccessPage,
} from './people.types.js';
import { ConsentInput, GuardianInput, MovePupilInput, PersonInput } from './people.inputs.js';
import { badInput, notFound } from '../../errors.js';
import type { Lang as DocLang } from '../../documents/pdf.js';
import { FileFormat, Lang } from '../../graphql/enums.js';

/** The request's person loaders, made once (the first resolver to ask makes them). */
export function peopleOf(ctx: RequestContext): Promise<PeopleLoaders> {
  ctx.people ??= ctx.loaders.today().then((today) => new PeopleLoaders(ctx.em, ctx.viewer, today));
  return ctx.people;
}

/** The schema's `Lang` as the documents take it. */
export function docLang(lang: Lang): DocLang {
  return lang === Lang.EN ? 'en' : 'ru';
}

/** Refuses a format the operation does not offer (decision 33): `UNSUPPORTED_FORMAT` on `format`. */
export function offered<F extends FileFormat>(format: FileFormat, offers: readonly F[]): F {
  if (!(offers as readonly FileFormat[]).includes(format)) {
    throw badInput('format', 'UNSUPPORTED_FORMAT', `Offered: ${offers.join(', ')}`);
  }
  return format as F;
}

/** A record after a change: read afresh, not from what this request loaded before it. */
async function fresh(ctx: RequestContext, id: number): Promise<PersonRecord> {
  const loaders = new PeopleLoaders(ctx.em, ctx.viewer, (await peopleOf(ctx)).today);
  ctx.people = Promise.resolve(loaders);
  const r = await loaders.record.load(id);
  if (!r) throw notFound();
  return r;
}

/** Hands out a personal field only to those allowed, and notes the read for the access log. */
function guarded<T>(ctx: RequestContext, r: PersonRecord, field: string, value: T): T | null {
  if (!r.readable) return null;
  ctx.personalDataReads ??= new PersonalDataReads(ctx.viewer);
  ctx.personalDataReads.note(r.id, field);
  return value;
}

const ENROLLED_FROM =
  "The pupil's first day in the class: a day of its academic year up to today; today when absent";

const isStaffRecord = (r: PersonRecord) => hasStaffRole(r.roles);

@Resolver(() => PersonRecord)
export class PeopleResolver {
  @Query(() => ClassRoster, {
    description: "A class's pupils and their records: its class teacher and the administration",
  })
  async classRoster(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassRoster> {
    return ctx.services.people.roster(ctx, await peopleOf(ctx), classGroupId);
  }

  @Query(() => PersonRecord, { description: 'A record whose personal data the viewer may read' })
  async person(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return ctx.services.people.person(ctx, await peopleOf(ctx), id);
  }

  @Query(() => PersonalDataAccessPage, {
    description: 'DIRECTOR: who read whose personal data, newest first, a page at a time',
  })
  personalDataAccessLog(
    @Arg('subjectId', () => ID, { nullable: true }) subjectId: string | null,
    @Arg('readerId', () => ID, { nullable: true }) readerId: string | null,
    @Arg('first', () => Int, { defaultValue: 100, description: 'At most 500' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The previous page’s nextCursor' })
    after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonalDataAccessPage> {
    return ctx.services.people.accessLog(ctx, { subjectId, readerId, first, after });
  }

  @Query(() => FileDownload, { description: 'A class list template: xlsx or csv' })
  classListTemplate(
    @Arg('format', () => FileFormat) format: FileFormat,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    if (!ctx.viewer) throw notFound();
    return ctx.services.classImport.template(
      offered(format, [FileFormat.XLSX, FileFormat.CSV] as const),
    );
  }

  @Query(() => ImportPreview, {
    description: 'What importing a class list would do; writes nothing',
  })
  async previewClassImport(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('fileBase64') fileBase64: string,
    @Arg('filename') filename: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportPreview> {
    return ctx.services.classImport.preview(
      ctx,
      await ctx.loaders.today(),
      classGroupId,
      fileBase64,
      filename,
    );
  }

  @Query(() => FileDownload, {
    description: 'Everything stored about oneself or one’s child: json or pdf',
  })
  myDataExport(
    @Arg('personId', () => ID) personId: string,
    @Arg('format', () => FileFormat) format: FileFormat,
    @Arg('lang', () => Lang, { defaultValue: Lang.RU }) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    if (offered(format, [FileFormat.JSON, FileFormat.PDF] as const) === FileFormat.JSON) {
      return ctx.services.dataExport.json(ctx, personId);
    }
    return ctx.services.dataExport.pdf(ctx, personId, docLang(lang));
  }

  @Mutation(() => PersonRecord, { description: 'The class teacher registers a pupil of own class' })
  async registerPupil(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('input') input: PersonInput,
    @Arg('enrolledFrom', () => LocalDate, { nullable: true, description: ENROLLED_FROM })
    enrolledFrom: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    const id = await ctx.services.people.registerPupil(
      ctx,
      await ctx.loaders.today(),
      classGroupId,
      input,
      enrolledFrom,
    );
    return fresh(ctx, id);
  }

  @Mutation(() => PersonRecord, {
    description: 'Adds a parent to a pupil (linking one already known by name and phone)',
  })
  async addGuardian(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('input') input: GuardianInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    return fresh(
      ctx,
      await ctx.services.people.addGuardian(ctx, await peopleOf(ctx), pupilId, input),
    );
  }

  @Mutation(() => PersonRecord)
  async removeGuardian(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('guardianId', () => ID) guardianId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    return fresh(
      ctx,
      await ctx.services.people.unlinkGuardian(ctx, await peopleOf(ctx), pupilId, guardianId),
    );
  }

  @Mutation(() => PersonRecord)
  async updatePersonRecord(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: PersonInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    return fresh(ctx, await ctx.services.people.updateRecord(ctx, await peopleOf(ctx), id, input));
  }

  @Mutation(() => [ID], {
    description: 'The class teacher confirms these records are current; answers their ids',
  })
  async confirmPersonRecords(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<number[]> {
    return ctx.services.people.confirmRecords(ctx, await peopleOf(ctx), ids);
  }

  @Mutation(() => PersonRecord, { description: 'Transfer to another class, or leaving school' })
  async movePupil(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('input') input: MovePupilInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    return fresh(
      ctx,
      await ctx.services.people.movePupil(ctx, await peopleOf(ctx), pupilId, input),
    );
  }

  @Mutation(() => ID, {
    description:
      'Deletes a pupil registered by mistake, with parents registered for that pupil alone, while nothing rests on the record (journal entries, another class, a used account); answers the deleted id',
  })
  async deletePupil(
    @Arg('pupilId', () => ID) pupilId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return String(await ctx.services.people.deletePupil(ctx, await peopleOf(ctx), pupilId));
  }

  @Mutation(() => PersonRecord)
  async createConsent(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('input') input: ConsentInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    return fresh(
      ctx,
      await ctx.services.people.recordConsent(ctx, await peopleOf(ctx), pupilId, input),
    );
  }

  @Mutation(() => PersonRecord)
  async revokeConsent(
    @Arg('id', () => ID) id: string,
    @Arg('on', () => LocalDate) on: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PersonRecord> {
    return fresh(ctx, await ctx.services.people.revokeConsent(ctx, await peopleOf(ctx), id, on));
  }

  @Mutation(() => ImportResult, { description: 'Imports a class list: every row, or none' })
  async importClassList(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('fileBase64') fileBase64: string,
    @Arg('filename') filename: string,
    @Arg('enrolledFrom', () => LocalDate, { nullable: true, description: ENROLLED_FROM })
    enrolledFrom: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportResult> {
    return ctx.services.classImport.commit(
      ctx,
      await ctx.loaders.today(),
      classGroupId,
      fileBase64,
      filename,
      enrolledFrom,
    );
  }

  // Personal fields: null for anyone but the person, their guardians, their class teacher and the
  // administration; each read by staff of someone else's is logged.

  @FieldResolver(() => Sex, { nullable: true })
  sex(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return guarded(ctx, r, 'sex', r.person.sex ?? null);
  }

  @FieldResolver(() => LocalDate, { nullable: true })
  birthDate(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return guarded(ctx, r, 'birthDate', r.person.birthDate ?? null);
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return guarded(ctx, r, 'phone', r.person.phone ?? null);
  }

  @FieldResolver(() => String, { nullable: true })
  email(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return guarded(ctx, r, 'email', r.person.email ?? null);
  }

  @FieldResolver(() => String, { nullable: true })
  address(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return guarded(ctx, r, 'address', r.person.address ?? null);
  }

  @FieldResolver(() => String, { nullable: true, description: 'An identity document' })
  document(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return guarded(ctx, r, 'document', r.person.document ?? null);
  }

  @FieldResolver(() => [FamilyLink], {
    nullable: true,
    description: "A pupil's parents and guardians",
  })
  async guardians(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    if (!guarded(ctx, r, 'guardians', true)) return null;
    const people = await peopleOf(ctx);
    return links(people, await people.guardians.load(r.id));
  }

  @FieldResolver(() => [FamilyLink], { nullable: true, description: "A parent's children" })
  async children(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    if (!guarded(ctx, r, 'children', true)) return null;
    const people = await peopleOf(ctx);
    return links(people, await people.children.load(r.id));
  }

  @FieldResolver(() => [EnrollmentRecord], { nullable: true, description: 'Classes over time' })
  async enrollments(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    if (!guarded(ctx, r, 'enrollments', true)) return null;
    return (await peopleOf(ctx)).enrollments.load(r.id);
  }

  @FieldResolver(() => [ConsentRecord], { nullable: true })
  async consents(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    if (!guarded(ctx, r, 'consents', true)) return null;
    return (await peopleOf(ctx)).consents.load(r.id);
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: 'A pupil without an active consent on file (flagged to the class teacher)',
  })
  async consentMissing(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    if (!r.readable) return null;
    if (!r.roles.includes(Role.STUDENT)) return false;
    return !(await (await peopleOf(ctx)).consents.load(r.id)).some((c) => c.active);
  }

  @FieldResolver(() => Date, { nullable: true })
  recordConfirmedAt(@Root() r: PersonRecord) {
    return r.readable ? (r.person.recordConfirmedAt ?? null) : null;
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: `Not confirmed by the class teacher for ${CONFIRM_EVERY_DAYS} days (R-4.2.1)`,
  })
  needsConfirmation(@Root() r: PersonRecord) {
    if (!r.readable) return null;
    if (isStaffRecord(r)) return false;
    const at = r.person.recordConfirmedAt;
    return !at || Date.now() - at.getTime() > CONFIRM_EVERY_DAYS * 86_400_000;
  }

  @FieldResolver(() => AccessStatus, {
    nullable: true,
    description:
      'Login and code state: for the person, whoever issues their codes, and the administration',
  })
  async access(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    const v = ctx.viewer;
    const allowed =
      !!v &&
      (v.personId === r.id ||
        r.manageable ||
        policy.can(v, Permission.AccessRegisterReadAll) ||
        (isStaffRecord(r) && policy.can(v, Permission.StaffManage)));
    if (!allowed) return null;
    return (await peopleOf(ctx)).access.load(r.id);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the viewer may edit this record' })
  canEdit(@Root() r: PersonRecord, @Ctx() ctx: RequestContext) {
    return isStaffRecord(r) ? policy.can(ctx.viewer, Permission.StaffManage) : r.manageable;
  }
}

async function links(people: PeopleLoaders, rows: { id: number; kind: string }[]) {
  const records = await people.record.loadMany(rows.map((x) => x.id));
  return rows.flatMap((x, i) => {
    const person = records[i];
    return person instanceof PersonRecord
      ? [Object.assign(new FamilyLink(), { person, kind: x.kind })]
      : [];
  });
}
