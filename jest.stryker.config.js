/**
 * The jest configuration `npm run mutation` (StrykerJS) runs: the project's own
 * (jest.config.js: ts-jest, node environment), narrowed to the destination
 * folder's tests. The property-based suite (properties.test.ts) is left out: see
 * stryker.config.mjs for the measurement behind that.
 */
const base = require('./jest.config')

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/src/destinations/tiktok-offline-conversions'],
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/properties\\.test\\.ts$']
}
