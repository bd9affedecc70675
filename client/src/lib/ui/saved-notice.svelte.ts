import type { UiMessage } from '$lib/graphql/errors';

/** How long a notice stays, long enough to read two words. */
const SHOWN_MS = 4000;

/**
 * The short notice after a save ("Saved"): a form's dialog closes on success, and without it
 * nothing would say the change went through. One at a time; a newer one replaces it.
 */
class SavedNotice {
  message = $state<UiMessage | undefined>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  show(message: UiMessage = { key: 'form.saved' }): void {
    clearTimeout(this.#timer);
    this.message = message;
    this.#timer = setTimeout(() => (this.message = undefined), SHOWN_MS);
  }
}

export const savedNotice = new SavedNotice();
