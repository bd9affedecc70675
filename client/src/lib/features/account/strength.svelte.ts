import { apollo } from '$lib/graphql/apollo';
import { PasswordStrengthDocument } from '$lib/graphql/generated/graphql';
import type { StrengthInfo } from './strength';

/** How long typing must pause before the server is asked. */
const DELAY_MS = 300;

/**
 * The server's estimate of a password being typed, asked for once typing pauses (the server
 * counts the person's own login as a known word). Create it during component initialisation.
 */
export class StrengthCheck {
  /** The estimate for the password last asked about; absent while the field is empty. */
  info = $state<StrengthInfo | undefined>();
  /** The length of the password `info` is about. */
  length = $state(0);
  checking = $state(false);

  constructor(password: () => string, login: () => string | null = () => null) {
    $effect(() => {
      const value = password();
      const name = login()?.trim() || null;
      if (!value) {
        this.info = undefined;
        this.length = 0;
        this.checking = false;
        return;
      }
      this.checking = true;
      let cancelled = false;
      const timer = setTimeout(() => {
        apollo
          .query({
            query: PasswordStrengthDocument,
            variables: { password: value, login: name },
            fetchPolicy: 'no-cache',
          })
          .then(({ data }) => {
            if (cancelled || !data) return;
            this.info = data.passwordStrength;
            this.length = value.length;
          })
          .catch(() => {
            // No estimate this time: the server still checks the password when it is sent.
          })
          .finally(() => {
            if (!cancelled) this.checking = false;
          });
      }, DELAY_MS);
      return () => {
        cancelled = true;
        clearTimeout(timer);
      };
    });
  }
}
