// npm run mutation: StrykerJS mutation testing of the destination's code (README, "Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // The project's jest config (ts-jest) narrowed to the destination folder's tests and src/lib's,
  // without the property suite (fast-check, 10,000 cases per property, about 70 s on its own). Measured
  // on this machine, mutating compact.ts (since replaced by presence.ts) alone (40 mutants, every
  // one reached by the property tests): with them 23 min 36 s, without them 3 min 57 s, the same
  // score (80.0 %) and the same four survivors. Six times the time for no mutant killed: they
  // stay out of mutation runs (npm test still runs them).
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js' },
  // Each mutant runs only the tests that reached its code.
  coverageAnalysis: 'perTest',
  // The destination's logic. Its definition data (fields.ts, presets.ts, the
  // settings and action wiring in the index files, versioning-info.ts, constants,
  // the phone-country list) is left out: the contract, catalog, metadata and
  // definition tests compare it whole, and every mutant of it is static (made when
  // the module loads), so each would run all 1,045 tests. Measured: 490 of the
  // folder's 1,310 mutants are static, and a run with them estimated 3 hours on
  // this machine (2 cores) for labels and descriptions those tests already hold.
  mutate: [
    'src/destinations/tiktok-offline-conversions/*.ts',
    'src/destinations/tiktok-offline-conversions/tiktok/*.ts',
    'src/lib/*.ts',
    '!src/destinations/tiktok-offline-conversions/generated-types.ts',
    '!src/destinations/tiktok-offline-conversions/fields.ts',
    '!src/destinations/tiktok-offline-conversions/presets.ts',
    '!src/destinations/tiktok-offline-conversions/index.ts',
    '!src/destinations/tiktok-offline-conversions/versioning-info.ts',
    '!src/destinations/tiktok-offline-conversions/phone-countries.ts',
    '!src/destinations/tiktok-offline-conversions/tiktok/constants.ts',
    '!src/destinations/tiktok-offline-conversions/tiktok/wire.ts'
  ],
  // What the sandbox copy needs: the destination and its tests (node_modules is linked, not copied).
  ignorePatterns: [
    '/bench',
    '/docs',
    '/samples',
    '/tools',
    '/src/cli',
    '/src/sandbox',
    '/src/__tests__',
    '/dist',
    '/coverage',
    '/.bench',
    '/.tmp'
  ],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // Reruns test only the mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // Other engineers share this 2-core machine.
  concurrency: 2,
  // A jest runner's memory grows with every mutant it runs: in the full run of
  // 29 November each had 3.3 GB resident after 40 minutes and spent much of its
  // time collecting garbage. A fresh one every 100 runs.
  maxTestRunnerReuse: 100,
  // A mutant's tests get this much longer than they took unmutated. Stryker's default (5 s)
  // timed out 91 of the first 102 mutants of a run on 6 December while other work loaded this
  // 2-core machine: each timeout restarts a jest runner, whose start (ts-jest compiling the
  // folder) took longer than 5 s itself, so the timeouts fed each other. A timed-out mutant
  // counts as killed, so the default flattered the score as well as slowing the run.
  timeoutMS: 60000,
  // Colours of the report; the pass mark (90 % overall, 85 % per file) is checked by scripts/mutation-summary.ts.
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true
}
