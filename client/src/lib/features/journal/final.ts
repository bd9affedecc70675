import type { BatchFailure, ErrorReason, UiMessage } from '../../graphql/errors';
import type { SaveState } from './sync';
import { BatchQueue } from './send-timer';

/**
 * Keeps the «Итог» column (each pupil's mark for the period) in step with the server: an edit
 * shows at once and goes out a moment later as one `setPeriodMark` per pupil, with the version
 * last seen; someone else's change in between comes back as a conflict to decide.
 */

/** «Не аттестован»: a final mark besides the scale and the school's symbols. */
export const NOT_ASSESSED = 'н/а';

/** A pupil's period mark as the server has it: value null when none or withdrawn. */
export interface PeriodMark {
  value: string | null;
  /** Null while the pupil never had one. */
  version: number | null;
}

/** Someone else's change of a pupil's period mark, as a live event tells it. */
export interface RemotePeriodMark {
  value: string | null;
  version: number;
}

/**
 * Why a period mark was not saved: someone else changed it (`current`), the server refused the
 * value (the edit is dropped), or the request failed as a whole (the edit waits for a retry).
 */
export type FinalFailure =
  | { kind: 'conflict'; current: PeriodMark }
  | { kind: 'rejected'; message: UiMessage; /** the page should be read again */ stale?: true }
  | { kind: 'failed'; message: UiMessage };

export class FinalMarkError extends Error {
  constructor(readonly failure: FinalFailure) {
    super('The period mark was not saved');
    this.name = 'FinalMarkError';
  }
}

/** Sends one pupil's period mark; rejects with a `FinalMarkError`. */
export interface FinalTransport {
  setPeriodMark(pupilId: string, value: string | null, version: number | null): Promise<PeriodMark>;
}

export interface FinalView {
  value: string | null;
  state: SaveState;
  message?: UiMessage;
  /** The failed edit is still shown and can be sent again (`retryFailed`). */
  retry?: true;
  /** What someone else saved meanwhile. */
  conflict?: { value: string | null };
}

export interface FinalSyncOptions {
  transport: FinalTransport;
  delayMs?: number;
  onChange: (pupilId: string, view: FinalView) => void;
  /** The page should be read again (e.g. the period was closed meanwhile). */
  onStale?: () => void;
  /** Someone else's change (`applyRemote`) now shows, or conflicts with an edit. */
  onRemote?: (pupilId: string) => void;
}

/** The journal's own words for reasons whose general text speaks of something else. */
const FINAL_REASONS: Partial<Record<ErrorReason, string>> = {
  NOT_ENROLLED: 'journal.finalMark.notEnrolled',
  PERIOD_LOCKED: 'journal.blocked.locked',
};

const reasonKey = (message: UiMessage): string | undefined =>
  'key' in message && message.key.startsWith('errors.reason.')
    ? message.key.slice('errors.reason.'.length)
    : undefined;

/** The period mark in a conflict's `current`; null there means there is none. */
function currentPeriodMark(current: unknown): PeriodMark {
  if (!current || typeof current !== 'object') return { value: null, version: null };
  const c = current as Record<string, unknown>;
  return {
    value: typeof c.value === 'string' ? c.value : null,
    version: typeof c.version === 'number' ? c.version : null,
  };
}

/** Sorts what `setPeriodMark` failed with (as `batchFailure` reads it) into a `FinalFailure`. */
export function periodMarkFailure(failure: BatchFailure): FinalFailure {
  if (failure.kind === 'entries') {
    const [first] = failure.entries;
    if (failure.code === 'CONFLICT') {
      return { kind: 'conflict', current: currentPeriodMark(first?.current) };
    }
    return { kind: 'rejected', message: first?.message ?? { key: 'errors.code.BAD_USER_INPUT' } };
  }
  const { code, message } = failure;
  if (code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' || code === 'FORBIDDEN') {
    const reason = reasonKey(message);
    const own = reason ? FINAL_REASONS[reason as ErrorReason] : undefined;
    const stale = code !== 'BAD_USER_INPUT' || reason === 'PERIOD_LOCKED';
    return {
      kind: 'rejected',
      message: own ? { key: own } : message,
      ...(stale ? { stale: true as const } : {}),
    };
  }
  return { kind: 'failed', message };
}

interface Entry {
  pupilId: string;
  /** What the teacher sees. */
  value: string | null;
  /** What the server has, as far as we know. */
  saved: PeriodMark;
  state: SaveState;
  inFlight: boolean;
  /** Not sent again on its own: a conflict to decide, or a failure to retry. */
  hold: boolean;
  message?: UiMessage;
  conflict?: PeriodMark;
  /** Someone else's change that came while the teacher's was on its way. */
  deferred?: RemotePeriodMark;
}

const entryOf = (pupilId: string, saved: PeriodMark): Entry => ({
  pupilId,
  value: saved.value,
  saved,
  state: 'idle',
  inFlight: false,
  hold: false,
});

const dirty = (e: Entry) => e.value !== e.saved.value;

export class FinalMarkSync extends BatchQueue<FinalSyncOptions> {
  readonly #entries = new Map<string, Entry>();

  /**
   * Takes the page's period marks. Pupils with an edit unsaved, on its way or in conflict keep
   * it; the others are replaced. Returns the views that changed.
   */
  load(
    results: readonly {
      pupilId: string;
      periodMark?: string | null;
      periodMarkVersion?: number | null;
    }[],
  ): Record<string, FinalView> {
    const changed: Record<string, FinalView> = {};
    const listed = new Set<string>();
    for (const { pupilId, periodMark, periodMarkVersion } of results) {
      listed.add(pupilId);
      const fresh: PeriodMark = { value: periodMark ?? null, version: periodMarkVersion ?? null };
      const current = this.#entries.get(pupilId);
      if (current && !this.#settled(current)) continue;
      if (
        current &&
        current.saved.value === fresh.value &&
        current.saved.version === fresh.version
      ) {
        continue;
      }
      const next = entryOf(pupilId, fresh);
      this.#entries.set(pupilId, next);
      changed[pupilId] = this.#view(next);
    }
    for (const [pupilId, entry] of this.#entries) {
      if (!listed.has(pupilId) && this.#settled(entry)) this.#entries.delete(pupilId);
    }
    return changed;
  }

  view(pupilId: string): FinalView | undefined {
    const entry = this.#entries.get(pupilId);
    return entry && this.#view(entry);
  }

  /** False while someone else's change waits for the teacher's decision. */
  canEdit(pupilId: string): boolean {
    return !this.#entries.get(pupilId)?.conflict;
  }

  /** Sets the pupil's period mark; null withdraws it. */
  set(pupilId: string, value: string | null): boolean {
    const entry = this.#entries.get(pupilId) ?? entryOf(pupilId, { value: null, version: null });
    this.#entries.set(pupilId, entry);
    if (entry.conflict) return false;
    entry.value = value;
    this.#afterEdit(entry);
    return true;
  }

  /** Drops the teacher's edit for what the server has now. */
  keepTheirs(pupilId: string): void {
    const entry = this.#entries.get(pupilId);
    if (!entry?.conflict) return;
    entry.saved = entry.conflict;
    entry.conflict = undefined;
    entry.value = entry.saved.value;
    entry.state = 'idle';
    entry.hold = false;
    entry.message = undefined;
    this.#emit(entry);
  }

  /** Sends the teacher's edit again, over what the server has now. */
  overwrite(pupilId: string): void {
    const entry = this.#entries.get(pupilId);
    if (!entry?.conflict) return;
    entry.saved = entry.conflict;
    entry.conflict = undefined;
    this.#afterEdit(entry);
  }

  /**
   * Takes someone else's change of a pupil's period mark (a live event). The teacher's own saves
   * coming back change nothing (same version); what comes while the teacher's is on its way
   * waits for its answer. A pupil without an edit shows the change; one with an edit shows it as a
   * conflict, unless the edit is the same mark.
   */
  applyRemote(pupilId: string, theirs: RemotePeriodMark): void {
    const entry = this.#entries.get(pupilId) ?? entryOf(pupilId, { value: null, version: null });
    this.#entries.set(pupilId, entry);
    if (entry.inFlight) {
      if (!entry.deferred || entry.deferred.version < theirs.version) entry.deferred = theirs;
      return;
    }
    this.#takeRemote(entry, theirs);
  }

  /** Sends again the edits that failed as a whole (e.g. without a connection). */
  retryFailed(): void {
    for (const entry of this.#entries.values()) {
      if (entry.state === 'failed' && entry.hold) this.#afterEdit(entry);
    }
  }

  protected waiting(): boolean {
    return [...this.#entries.values()].some((e) => !e.hold && dirty(e));
  }

  protected sendWaiting(): Promise<void>[] {
    return [...this.#entries.values()]
      .filter((e) => !e.inFlight && !e.hold && dirty(e))
      .map((e) => this.#send(e));
  }

  #takeRemote(entry: Entry, theirs: RemotePeriodMark): void {
    const known = entry.conflict?.version ?? entry.saved.version;
    if (known !== null && known >= theirs.version) return;
    const mark: PeriodMark = { value: theirs.value, version: theirs.version };
    if (this.#settled(entry) && !entry.hold) {
      entry.saved = mark;
      entry.value = mark.value;
    } else if (!entry.conflict && entry.value === mark.value) {
      // They set the mark the teacher is setting: nothing to choose between.
      entry.saved = mark;
      if (!entry.inFlight && (entry.state === 'saving' || entry.hold)) {
        entry.state = 'saved';
        entry.hold = false;
        entry.message = undefined;
      }
    } else {
      entry.conflict = mark;
      entry.state = 'conflict';
      entry.hold = true;
      entry.message = undefined;
    }
    this.#emit(entry);
    this.options.onRemote?.(entry.pupilId);
  }

  #settled(e: Entry): boolean {
    return !e.inFlight && !e.conflict && !dirty(e);
  }

  #afterEdit(entry: Entry): void {
    this.edited(entry, dirty(entry));
    this.#emit(entry);
  }

  #emit(entry: Entry): void {
    this.options.onChange(entry.pupilId, this.#view(entry));
  }

  #view(entry: Entry): FinalView {
    const view: FinalView = { value: entry.value, state: entry.state };
    if (entry.state === 'failed' && entry.message) view.message = entry.message;
    if (entry.state === 'failed' && entry.hold) view.retry = true;
    if (entry.conflict) view.conflict = { value: entry.conflict.value };
    return view;
  }

  async #send(entry: Entry): Promise<void> {
    const value = entry.value;
    entry.inFlight = true;
    entry.state = 'saving';
    try {
      entry.saved = await this.options.transport.setPeriodMark(
        entry.pupilId,
        value,
        entry.saved.version,
      );
    } catch (error) {
      this.#failed(entry, value, error);
    }
    entry.inFlight = false;
    if (entry.state === 'saving') {
      if (dirty(entry)) this.sending.schedule();
      else entry.state = 'saved';
    }
    this.#emit(entry);
    const deferred = entry.deferred;
    entry.deferred = undefined;
    if (deferred) this.#takeRemote(entry, deferred);
  }

  #failed(entry: Entry, sent: string | null, error: unknown): void {
    const failure: FinalFailure =
      error instanceof FinalMarkError
        ? error.failure
        : { kind: 'failed', message: { key: 'errors.code.INTERNAL_SERVER_ERROR' } };
    switch (failure.kind) {
      case 'conflict':
        // Someone else set the very same mark: nothing to choose between.
        if (failure.current.value === sent) {
          entry.saved = failure.current;
          return;
        }
        entry.conflict = failure.current;
        entry.state = 'conflict';
        entry.hold = true;
        return;
      case 'rejected':
        entry.value = entry.saved.value;
        entry.state = 'failed';
        entry.message = failure.message;
        if (failure.stale) this.options.onStale?.();
        return;
      case 'failed':
        entry.state = 'failed';
        entry.hold = true;
        entry.message = failure.message;
        return;
    }
  }
}
