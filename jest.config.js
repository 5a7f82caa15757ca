/** Tests run against real databases: PostgreSQL when DATABASE_URL is set, else embedded PGlite. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
};
