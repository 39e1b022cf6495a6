// npm run mutation: StrykerJS mutation testing of the destination's code (README, "Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // The project's jest config (ts-jest) narrowed to the destination folder's tests, without
  // properties.test.ts (fast-check, 10,000 cases per property, about 70 s on its own). Measured
  // on this machine, mutating compact.ts alone (40 mutants, every one reached by the property
  // tests): with them 23 min 36 s, without them 3 min 57 s, the same score (80.0 %) and the same
  // four survivors. Six times the time for no mutant killed: they stay out of mutation runs
  // (npm test still runs them).
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js' },
  // Each mutant runs only the tests that reached its code.
  coverageAnalysis: 'perTest',
  mutate: [
    'src/destinations/tiktok-offline-conversions/**/*.ts',
    '!src/destinations/tiktok-offline-conversions/__tests__/**',
    '!src/destinations/tiktok-offline-conversions/**/generated-types.ts',
    // Only data: the 245 [code, name] pairs of the Default Phone Country choices,
    // held to libphonenumber-js's list and to metadata.json by tests; mutating a
    // country's name tells nothing about the code.
    '!src/destinations/tiktok-offline-conversions/phone-countries.ts'
  ],
  // What the sandbox copy needs: the destination and its tests (node_modules is linked, not copied).
  ignorePatterns: ['/bench', '/docs', '/samples', '/tools', '/src/cli', '/src/sandbox', '/dist', '/coverage', '/.bench', '/.tmp'],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // Reruns test only the mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // Other engineers share this 2-core machine.
  concurrency: 2,
  // Colours of the report; the pass mark (90 % overall, 85 % per file) is checked by scripts/mutation-summary.ts.
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true
}
