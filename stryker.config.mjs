// Mutation testing of vdibench's core (docs/TESTING.md). Not part of `npm test`: run
// `npm run test:mutation`, or one module with `npm run test:mutation -- --mutate src/report/gate.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/report/gate.ts',
    'src/contract/metric-catalog.ts',
    'src/report/summary.ts',
    'src/report/statistics.ts',
    'src/report/repeats.ts',
    'src/metrics/line-protocol.ts',
    'src/run-store/read.ts',
    'src/run-store/writer.ts',
    'src/report/csv.ts',
    'src/scenarios/strategies/*.ts',
    'src/scenarios/load.ts',
    // vim25's pure XML layer; the client, methods and tasks need the vCenter simulator.
    'src/drivers/vsphere/vim25/encoding.ts',
    'src/drivers/vsphere/vim25/xml.ts',
  ],
  // Two cores are shared by the whole team.
  concurrency: 2,
  timeoutMS: 15_000,
  timeoutFactor: 2,
  // Everything Stryker writes stays under test/artifacts/ (ignored by git and eslint);
  // the repository's reports/ is the app's own output folder.
  tempDirName: 'test/artifacts/.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test/artifacts/mutation/index.html' },
  jsonReporter: { fileName: 'test/artifacts/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
};
