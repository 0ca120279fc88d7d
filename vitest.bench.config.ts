import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Measurements, not tests: run on demand with `npm run bench:api`.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/bench/**/*.measure.ts'], testTimeout: 300_000 },
});
