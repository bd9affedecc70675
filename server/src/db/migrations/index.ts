import { Migration20261128122503_initial } from './Migration20261128122503_initial.js';
import { Migration20261128124007_holidays } from './Migration20261128124007_holidays.js';

/** Every committed migration, in order. Listed explicitly so that tests and the build agree. */
export const migrationsList = [
  { name: 'Migration20261128122503_initial', class: Migration20261128122503_initial },
  { name: 'Migration20261128124007_holidays', class: Migration20261128124007_holidays },
];
