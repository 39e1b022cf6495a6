/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/scripts', '<rootDir>/bench'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 60000
}
