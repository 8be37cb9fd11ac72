/**
 * The rooms of src/ and which way imports may go (docs/ARCHITECTURE.md draws the same
 * picture). `npm run lint:deps` checks it; `npm test` runs that. A room may import only
 * the rooms listed for it; nothing imports upward and there are no import cycles.
 */
const room = (name) => `^src/${name}/`;
const allowed = {
  contract: [],
  drivers: ['contract'],
  scenarios: ['drivers', 'contract'],
  'run-store': ['contract'],
  metrics: ['contract'],
  report: ['run-store', 'contract'],
  run: ['report', 'metrics', 'run-store', 'scenarios', 'drivers', 'contract'],
  cli: ['run', 'report', 'metrics', 'run-store', 'scenarios', 'drivers', 'contract'],
};
const rooms = Object.keys(allowed);

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make the rooms inseparable.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'known-rooms-only',
      severity: 'error',
      comment: 'Every file of src/ lives in one of the rooms of docs/ARCHITECTURE.md.',
      from: { path: '^src/', pathNot: `^src/(${rooms.join('|')})/` },
      to: {},
    },
    ...rooms.map((name) => ({
      name: `room-${name}`,
      severity: 'error',
      comment: `src/${name}/ may import only: ${allowed[name].join(', ') || 'nothing of ours'}.`,
      from: { path: room(name) },
      to: { path: '^src/', pathNot: `^src/(${[name, ...allowed[name]].join('|')})/` },
    })),
    {
      name: 'vim25-stands-alone',
      severity: 'error',
      comment: 'The vim25 SOAP layer knows nothing of the app (as govmomi\'s vim25/): it imports only npm packages and itself.',
      from: { path: '^src/drivers/vsphere/vim25/' },
      to: { path: '^src/', pathNot: '^src/drivers/vsphere/vim25/' },
    },
    {
      name: 'strategies-see-only-the-driver-interface',
      severity: 'error',
      comment: 'Strategies never know which driver they drive.',
      from: { path: '^src/scenarios/strategies/' },
      to: { path: '^src/drivers/', pathNot: '^src/drivers/types\\.ts$' },
    },
    {
      name: 'exporters-do-not-import-each-other',
      severity: 'error',
      comment: 'Each exporter only formats the report model (hyperfine\'s src/export/).',
      from: { path: '^src/report/(html|csv|junit|terminal|compare-html)\\.ts$' },
      to: { path: '^src/report/(html|csv|junit|terminal|compare-html)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
