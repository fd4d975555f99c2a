/**
 * `npm run test:console`: the agent console in real Chromium against the running service.
 * Same set-up as `npm test` (a migrated template database per run), browser tests only.
 */
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/console'],
  testMatch: ['**/*.browser-spec.ts'],
  testTimeout: 120000,
};
