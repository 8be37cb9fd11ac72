import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shownPath } from '../harness.js';
import { EXIT_OK, InputError } from '../../errors.js';
import { readRun } from '../../metrics/run-store/record.js';
import { comparisonRows, formatComparison, renderComparisonHtml, type ComparedRun } from '../../report/compare.js';
import { summarizeRun } from '../../report/summary.js';

export interface CompareArgs {
  runDirs: string[];
  html?: string;
  json: boolean;
}

export async function compareCommand(args: CompareArgs): Promise<number> {
  if (args.runDirs.length < 2) throw new InputError('bench compare: name at least two run folders, e.g. bench compare reports/A reports/B');
  const runs: ComparedRun[] = [];
  for (const dir of args.runDirs) {
    const run = await readRun(dir);
    runs.push({ run, summary: summarizeRun(run.record, run.samples, dir) });
  }
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const htmlPath = path.resolve(args.html ?? path.join('reports', `compare-${stamp}.html`));
  await mkdir(path.dirname(htmlPath), { recursive: true });
  await writeFile(htmlPath, renderComparisonHtml(runs), 'utf8');
  if (args.json) {
    process.stdout.write(JSON.stringify({ runs: runs.map(({ summary }) => summary), rows: comparisonRows(runs), html: htmlPath }) + '\n');
  } else {
    process.stdout.write(formatComparison(runs));
    process.stdout.write(`\ncomparison: ${shownPath(htmlPath)}\n`);
  }
  return EXIT_OK;
}
