/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/scripts', '<rootDir>/bench'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 60000,
  // Jest 27's snapshot format (Segment's monorepo runs jest 27.5): `Object {`, `Array [`,
  // escaped strings. Jest 29 then writes and reads .snap files the monorepo's jest
  // reads as they are (its own default would be `{`, `[` and unescaped strings).
  snapshotFormat: { escapeString: true, printBasicPrototype: true }
}
