import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentFor } from '../schema-ops.js';
import {
  changed,
  checksum,
  documentsFor,
  openAbuse,
  roleOf,
  sendDoc,
  stillAnswers,
  summary,
  take,
  type Abuse,
} from './harness.js';

/**
 * Every query and mutation, generated from the schema, sent hostile values in every argument and
 * input field by a role the policy lets through: no internal error, no 500, no internals in the
 * answer, a typed code on every refusal, the server still answering after each operation, and
 * nothing written by a refused mutation.
 */
let a: Abuse;

/** Writes a refusal makes by design, with where the design says so. */
const WRITES_WHEN_REFUSED: Record<string, string> = {
  // access.service.ts activate(): "Failures are rate-limited per login and per address, and audited".
  activateAccount: 'audit_event',
};
const allowedWrite = (op: string, tables: string) => WRITES_WHEN_REFUSED[op] === tables;
beforeAll(async () => {
  a = await openAbuse();
});
afterAll(async () => {
  if (a) {
    console.log(summary(a, 'operations'));
    await a.t.close();
  }
});

describe('hostile input to every query and mutation', () => {
  it('answers every hostile query with data or a typed refusal, and writes nothing', async () => {
    for (const op of a.ops.filter((o) => o.kind === 'query')) {
      const before = await checksum(a);
      for (const doc of documentsFor(a, op)) await sendDoc(a, doc, documentFor(op));
      const after = await checksum(a);
      if (after !== before) a.findings.push(`query ${op.name} wrote ${changed(before, after)}`);
      await stillAnswers(a, roleOf(op.name));
    }
    expect(take(a)).toEqual([]);
  });

  it('answers every hostile mutation with a typed refusal or a legitimate write', async () => {
    for (const op of a.ops.filter((o) => o.kind === 'mutation')) {
      let before = await checksum(a);
      for (const doc of documentsFor(a, op)) {
        const { refused } = await sendDoc(a, doc, documentFor(op));
        const after = await checksum(a);
        if (refused && after !== before && !allowedWrite(op.name, changed(before, after))) {
          a.findings.push(`refused ${op.name}(${doc.label}) wrote ${changed(before, after)}`);
        }
        before = after;
      }
      await stillAnswers(a, roleOf(op.name));
    }
    expect(take(a)).toEqual([]);
  });
});
