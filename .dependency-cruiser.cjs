/**
 * The server's module map as rules (decision 31, docs/architecture.md "Module map"), checked by
 * `npm run deps` inside `npm run check`. Type-only imports count like any other: a cycle through
 * `import type` still ties the files together for a reader and for the next change.
 *
 * Three rings:
 * - core: auth/, db/, events/, graphql/ and the top-level helpers. It knows no area, apart from
 *   the exceptions listed below;
 * - areas: modules/<area>/. An area imports core, documents/, itself, and only the other areas
 *   listed for it in AREA_ARROWS;
 * - the shell: app.ts, main.ts, services.ts, cli/, seed/, ops/, http-errors.ts. It puts the
 *   areas together and may import anything; nothing in core or the areas imports it, except the
 *   request context's type of the services.
 */

const SRC = '^server/src/';
const CORE = `${SRC}((auth|db|events|graphql)/|(errors|error-reason|log|clock|time|config|scope)\\.ts$)`;
const MODULES = `${SRC}modules/`;
const SHARED = `${SRC}documents/`;
const SHELL = `${SRC}((app|main|services|http-errors)\\.ts$|(cli|seed|ops)/)`;

/** Which other areas each area may import. Adding an arrow is a decision: write down why. */
const AREA_ARROWS = {
  access: ['audit', 'people', 'school'],
  // announcements, notifications, weekly-reports → people, school (journal): their tables name
  // people, classes and lessons; the facts they need (audiences, the journal's week) are read in SQL.
  // announcements → messaging: an announcement's files are claimed from messaging's attachment
  // store (claimUploads) and described by its AttachmentInfo type.
  announcements: ['people', 'school', 'messaging'],
  audit: ['school'],
  // cancelled-days → audit: declarations and posted work are audited with the audit area's
  // writer; classes, pupils, lessons and people are read in SQL (decision 45). → messaging: the
  // material's files are claimed from messaging's attachment store (claimUploads, decision 57).
  'cancelled-days': ['audit', 'messaging'],
  // control → audit: checks and remarks are audited with the audit area's writer; journal health
  // is the database's (journal_health_* functions), the rest is read in SQL (decision 46).
  control: ['audit'],
  diary: ['journal'],
  // duties → audit: review corrections, confirmations and the weights are audited with the audit
  // area's writer; the journal, weekly reports, confirmations and control's remarks and health
  // are read in SQL (decision 49).
  duties: ['audit'],
  journal: ['audit', 'people', 'school'],
  // mail → audit: a person's own address change is audited; digests are read in SQL.
  mail: ['audit'],
  // messaging → people, school: its tables name people and the school (the tenant); whom one may
  // write to is read in SQL, not through the other areas' entities.
  messaging: ['people', 'school'],
  notifications: ['people', 'school'],
  people: ['audit', 'school'],
  // push reads the outbox and the people it may concern in SQL, and asks events/ whom a live
  // event would reach (decision 54): it imports no other area.
  push: [],
  // reports reads every area's tables by SQL (its model is data, modules/reports/report.model.ts);
  // its saved views name their owner and school (the tenant) and are audited.
  reports: ['audit', 'people', 'school'],
  // school → people: ClassGroup and Course name their teacher (Person), school-setup makes the
  // first SYSADMIN, classes check teachers through staff.lookup; school → journal: a new school
  // gets the default work types and attendance codes; school → subgroups: Course.subgroup.
  school: ['audit', 'journal', 'people', 'subgroups'],
  subgroups: ['audit', 'people', 'school'],
  'weekly-reports': ['journal', 'people', 'school'],
};

/**
 * Core files that still import an area, and what they may import from it. Keep this short: each
 * line is a debt, except the first two, which are how the app is put together.
 */
const CORE_EXCEPTIONS = {
  // The lists of every area's entities and resolvers, read by the ORM and the schema builder.
  'db/entities\\.ts': ['.+\\.entity\\.ts$'],
  'graphql/schema\\.ts': ['.+\\.resolver\\.ts$'],
  // School is the tenant: core tables (domain_event, idempotent_request, session) hang off it,
  // and a session belongs to an account.
  '(events/domain-event|db/idempotent-request)\\.entity\\.ts': ['school/school\\.entity\\.ts$'],
  'auth/session\\.entity\\.ts': [
    'school/school\\.entity\\.ts$',
    'people/user-account\\.entity\\.ts$',
  ],
  // To move into an area: sign-in reads accounts, and `me` with its loaders and types reads the
  // person, roles, enrolments, classes and courses.
  'auth/(auth|session)\\.service\\.ts': ['people/user-account\\.entity\\.ts$'],
  'auth/me\\.service\\.ts': [
    'school/(school|class-group|course)\\.entity\\.ts$',
    // `me`'s courses and classes are the course list's read model (decision 50).
    'school/course\\.read\\.ts$',
    'people/(person|enrollment)\\.entity\\.ts$',
  ],
  'graphql/(types|loaders)\\.ts': [
    'school/(school|class-group|course)\\.entity\\.ts$',
    'people/(person|user-account|role-grant)\\.entity\\.ts$',
  ],
};

/**
 * AcademicYear lists its StudyPeriods and Holidays (OneToMany, batched by the ORM's dataloader
 * for `AcademicYear.periods` and `holidays`), and each points back at its year (ManyToOne): a
 * bidirectional relation is two files that name each other. This cycle, inside one area, is the
 * only one allowed.
 */
const CALENDAR_ENTITIES = `${MODULES}school/(academic-year|study-period|holiday)\\.entity\\.ts$`;

const coreExceptionSources = Object.keys(CORE_EXCEPTIONS).map((from) => `${SRC}${from}$`);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No file reaches itself through its imports, type-only ones included.',
      severity: 'error',
      from: { path: SRC },
      to: { circular: true, via: { pathNot: CALENDAR_ENTITIES } },
    },
    {
      name: 'core-not-to-areas',
      comment: 'Core knows no area: an area registers with core (see services.ts) instead.',
      severity: 'error',
      from: { path: CORE, pathNot: coreExceptionSources },
      to: { path: MODULES },
    },
    ...Object.entries(CORE_EXCEPTIONS).map(([from, targets]) => ({
      name: 'core-not-to-areas',
      comment: `${from} may import only its listed area files (CORE_EXCEPTIONS).`,
      severity: 'error',
      from: { path: `${SRC}${from}$` },
      to: { path: MODULES, pathNot: targets.map((t) => `${MODULES}${t}`) },
    })),
    ...Object.entries(AREA_ARROWS).map(([area, others]) => ({
      name: 'area-arrows',
      comment: `modules/${area} imports core, documents/, itself and: ${others.join(', ')}.`,
      severity: 'error',
      from: { path: `${MODULES}${area}/` },
      to: {
        path: SRC,
        pathNot: [CORE, SHARED, ...[area, ...others].map((a) => `${MODULES}${a}/`)],
      },
    })),
    {
      name: 'areas-listed',
      comment: 'Every folder under modules/ has its line in AREA_ARROWS.',
      severity: 'error',
      from: { path: MODULES, pathNot: `${MODULES}(${Object.keys(AREA_ARROWS).join('|')})/` },
      to: {},
    },
    {
      name: 'not-to-shell',
      comment: 'Core, areas and documents/ do not import the shell (app, main, services, cli, …).',
      severity: 'error',
      from: { path: [CORE, MODULES, SHARED], pathNot: `${SRC}graphql/context\\.ts$` },
      to: { path: SHELL },
    },
    {
      name: 'not-to-shell',
      comment: 'The request context names the type of the services, and nothing else of the shell.',
      severity: 'error',
      from: { path: `${SRC}graphql/context\\.ts$` },
      to: { path: SHELL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-tests',
      comment: 'Source never imports the tests or the benchmarks.',
      severity: 'error',
      from: { path: SRC },
      to: { path: '^server/(test|bench)/' },
    },
    {
      name: 'documents-standalone',
      comment: 'documents/ (PDFs, class-list parsing) is a library: it imports no area.',
      severity: 'error',
      from: { path: SHARED },
      to: { path: MODULES },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
