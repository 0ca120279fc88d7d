import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// Measurements, not tests: run on demand with `npm run bench:api`.
export default mergeConfig(
  base,
  defineConfig({ test: { include: ['test/bench/**/*.measure.ts'], testTimeout: 300_000 } }),
);
