/**
 * `npm run test:reliability`: the reliability suite (faults, hostile input, concurrency).
 * Same set-up as `npm test` (a migrated template database per run), reliability files only.
 */
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability-spec.ts'],
  testTimeout: 600000,
};
