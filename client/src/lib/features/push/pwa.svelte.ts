import type { WorkerMessage } from './offline';

/**
 * The page's side of the service worker (decision 53): when what is shown was read offline, and
 * whether a new version waits to take over.
 */
class Pwa {
  /** When the answers shown offline were read from the server (ISO), or null when online. */
  savedAt = $state<string | null>(null);
  /** A new version is installed and waits for the page's word. */
  updateReady = $state(false);
  #registration: ServiceWorkerRegistration | undefined;
  #started = false;

  /** Listens to the worker; call once in the browser. */
  start(): void {
    if (this.#started || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
      return;
    }
    this.#started = true;
    const container = navigator.serviceWorker;
    container.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
      if (event.data?.type === 'offline-data') {
        const at = event.data.savedAt;
        // Several kept answers: the oldest says how old the page is.
        if (at && (!this.savedAt || at < this.savedAt)) this.savedAt = at;
      }
    });
    window.addEventListener('online', () => (this.savedAt = null));
    let reloading = false;
    container.addEventListener('controllerchange', () => {
      if (!this.updateReady || reloading) return;
      reloading = true;
      location.reload();
    });
    void container.ready.then((registration) => this.#watch(registration));
  }

  #watch(registration: ServiceWorkerRegistration): void {
    this.#registration = registration;
    const waiting = () => {
      if (registration.waiting && navigator.serviceWorker.controller) this.updateReady = true;
    };
    waiting();
    registration.addEventListener('updatefound', () => {
      registration.installing?.addEventListener('statechange', waiting);
    });
    // Look for a new version now and then, as a long-open tab would not.
    setInterval(() => void registration.update().catch(() => {}), 30 * 60_000);
  }

  /** Lets the waiting version take over; the page reloads when it has. */
  applyUpdate(): void {
    const message: WorkerMessage = { type: 'apply-update' };
    this.#registration?.waiting?.postMessage(message);
  }
}

export const pwa = new Pwa();
