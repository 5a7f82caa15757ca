/** Every migration, in order. Listed explicitly so that tests (ts-jest) and the built CLI apply the same set. */
import { Migration20261126000000Initial } from './Migration20261126000000Initial';
import { Migration20261126120000History } from './Migration20261126120000History';
import { Migration20261126140000Audit } from './Migration20261126140000Audit';
import { Migration20261126150000RowSecurity } from './Migration20261126150000RowSecurity';
import { Migration20261126160000RollupTotals } from './Migration20261126160000RollupTotals';
import { Migration20261126170000BulkLoad } from './Migration20261126170000BulkLoad';
import { Migration20261126180000YearTotals } from './Migration20261126180000YearTotals';
import { Migration20261126190000UnitSearch } from './Migration20261126190000UnitSearch';
import { Migration20261127000000DataVersion } from './Migration20261127000000DataVersion';
import { Migration20261127100000CompactCampaignTotals } from './Migration20261127100000CompactCampaignTotals';
import { Migration20261127120000BulkTotals } from './Migration20261127120000BulkTotals';

export const MIGRATIONS = [
  { name: 'Migration20261126000000Initial', class: Migration20261126000000Initial },
  { name: 'Migration20261126120000History', class: Migration20261126120000History },
  { name: 'Migration20261126140000Audit', class: Migration20261126140000Audit },
  { name: 'Migration20261126150000RowSecurity', class: Migration20261126150000RowSecurity },
  { name: 'Migration20261126160000RollupTotals', class: Migration20261126160000RollupTotals },
  { name: 'Migration20261126170000BulkLoad', class: Migration20261126170000BulkLoad },
  { name: 'Migration20261126180000YearTotals', class: Migration20261126180000YearTotals },
  { name: 'Migration20261126190000UnitSearch', class: Migration20261126190000UnitSearch },
  { name: 'Migration20261127000000DataVersion', class: Migration20261127000000DataVersion },
  { name: 'Migration20261127100000CompactCampaignTotals', class: Migration20261127100000CompactCampaignTotals },
  { name: 'Migration20261127120000BulkTotals', class: Migration20261127120000BulkTotals },
];
