// segmentio/action-destinations: packages/destination-actions/package.json, "jest" key.
// Everything as there except the moduleNameMapper targets: there they are the
// monorepo's own package sources (<rootDir>/../core/src, …); here the installed
// packages' entry points. The keys are the same unanchored regular expressions,
// so, as in the monorepo, any module name CONTAINING "@segment/actions-core"
// (a deep import such as "@segment/actions-core/mapping-kit/validate" included)
// is sent to the package's index. ("@bufbuild/protobuf/codegenv1" is left out:
// nothing here uses it.)
const entry = (name) => require.resolve(name, { paths: [__dirname] })

module.exports = {
  preset: 'ts-jest',
  globals: {
    'ts-jest': {
      isolatedModules: true
    }
  },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  moduleNameMapper: {
    '@segment/ajv-human-errors': entry('@segment/ajv-human-errors'),
    '@segment/actions-core': entry('@segment/actions-core'),
    '@segment/actions-shared': entry('@segment/actions-shared'),
    '@segment/destination-subscriptions': entry('@segment/destination-subscriptions')
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
  coverageReporters: ['lcov'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '__tests__/__helpers__/']
}
