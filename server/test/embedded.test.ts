import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireReachableByPostgres } from '../src/db/embedded.js';

/**
 * Run as root, the embedded PostgreSQL runs as the `postgres` user: a checkout in a private
 * directory must be refused with the directory and the way out, not with initdb's EACCES.
 */
describe('embedded PostgreSQL run as root', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'otm-reach-'));
    await chmod(root, 0o755);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('names the directory the postgres user cannot enter, and what to do', async () => {
    const closed = path.join(root, 'private');
    await mkdir(path.join(closed, 'node_modules', 'bin'), { recursive: true });
    await chmod(closed, 0o700);
    await expect(
      requireReachableByPostgres([path.join(closed, 'node_modules', 'bin')], undefined),
    ).rejects.toThrow(`cannot enter ${closed}. Run Otmetka as an ordinary user`);
    // The postgres user owning the directory may enter it.
    const { uid, gid } = await stat(closed);
    await expect(
      requireReachableByPostgres([path.join(closed, 'node_modules', 'bin')], { uid, gid }),
    ).resolves.toBeUndefined();
  });

  it('lets a directory others may pass through, and data not made yet', async () => {
    const open = path.join(root, 'open');
    await mkdir(open, { recursive: true });
    await chmod(open, 0o711);
    await expect(
      requireReachableByPostgres([path.join(open, 'data', 'pg')], undefined),
    ).resolves.toBeUndefined();
  });
});
