/**
 * `npm run test:portal`: the customer portal in real Chromium against the running service.
 * Same set-up as `npm test` (a migrated template database per run), browser tests only.
 */
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/portal'],
  testMatch: ['**/*.browser-spec.ts'],
  testTimeout: 180000,
};
