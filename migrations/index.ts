/** Every migration, in order. Listed explicitly so that tests (ts-jest) and the built CLI apply the same set. */
import { Migration20261126000000Initial } from './Migration20261126000000Initial';
import { Migration20261126120000History } from './Migration20261126120000History';

export const MIGRATIONS = [
  { name: 'Migration20261126000000Initial', class: Migration20261126000000Initial },
  { name: 'Migration20261126120000History', class: Migration20261126120000History },
];
