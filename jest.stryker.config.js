/**
 * The jest configuration `npm run mutation` (StrykerJS) runs: the project's own
 * (jest.config.js: ts-jest, node environment), narrowed to the destination
 * folder's tests and those of the hashing module it imports (src/lib). The
 * property-based suite lives outside both (src/__tests__/properties): see
 * stryker.config.mjs for why it stays out of mutation runs.
 */
const base = require('./jest.config')

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/src/destinations/tiktok-offline-conversions', '<rootDir>/src/lib']
}
