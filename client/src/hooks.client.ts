import type { ClientInit } from '@sveltejs/kit';
import { setupI18n } from '$lib/i18n';

export const init: ClientInit = () => {
  setupI18n();
};
