/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`, docs/TESTING.md):
 * only fast in-process unit tests of the mutated core. Browser, influxd, vcsim and CLI tests
 * are left out: the CLI runs dist/, which Stryker does not mutate, and the real peers take
 * seconds per start. The runner and fault suites (whole simulated runs, seconds per mutant on
 * the shared machine) are left out too: the strategies, the run store and the loader have
 * unit tests of their own, so a score measured without them is a lower bound.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/contract/**/*.test.ts',
      'test/report/gate-direction.test.ts',
      'test/report/gate-significance.test.ts',
      'test/report/summary-percentiles.test.ts',
      'test/report/statistics.test.ts',
      'test/report/statistics-boundaries.test.ts',
      'test/report/repeats.test.ts',
      'test/metrics/line-protocol.test.ts',
      'test/metrics/influxdb/config.test.ts',
      'test/run-store/**/*.test.ts',
      'test/scenarios/load.test.ts',
      'test/scenarios/load-details.test.ts',
      'test/scenarios/load-mutants.test.ts',
      'test/scenarios/prototype-keys.test.ts',
      'test/scenarios/steps.test.ts',
      'test/scenarios/strategies/**/*.test.ts',
      'test/drivers/vsphere/vim25/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
