import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_OK, InputError } from '../../contract/errors.js';
import { comparisonRows, type ComparedRun } from '../../report/compare.js';
import { renderComparisonHtml } from '../../report/compare-html.js';
import { formatComparison } from '../../report/terminal.js';
import { shownPath } from '../../run/finish.js';
import { loadStoredRun } from '../../run/load-run.js';
import { runFilePath } from '../../run-store/layout.js';

export interface CompareArgs {
  runDirs: string[];
  html?: string;
  json: boolean;
  /** One per run, in order (`--label before --label after`). */
  labels?: string[];
}

/** A comparison page `bench compare` wrote earlier: skipped, so `bench compare reports/*` keeps working. */
function isComparisonPage(target: string): boolean {
  return /^compare-.*\.html$/.test(path.basename(target)) && existsSync(target) && statSync(target).isFile();
}

export async function compareCommand(args: CompareArgs): Promise<number> {
  const runDirs = args.runDirs.filter((dir) => !isComparisonPage(dir));
  if (runDirs.length < 2) throw new InputError('bench compare: name at least two run folders, e.g. bench compare reports/A reports/B');
  const labels = args.labels ?? [];
  if (labels.length > 0 && labels.length !== runDirs.length) {
    throw new InputError(`--label: ${labels.length} label(s) for ${runDirs.length} runs; give one per run, in order`);
  }
  const runs: ComparedRun[] = [];
  for (const [index, dir] of runDirs.entries()) {
    const model = await loadStoredRun(dir);
    runs.push({ ...model, reportPath: path.resolve(runFilePath(dir, 'report')), ...(labels[index] ? { label: labels[index] } : {}) });
  }
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  // Beside the run folders, named so a later `bench compare reports/*` skips it.
  const htmlPath = path.resolve(args.html ?? path.join('reports', `compare-${stamp}.html`));
  await mkdir(path.dirname(htmlPath), { recursive: true });
  await writeFile(htmlPath, renderComparisonHtml(runs, htmlPath), 'utf8');
  if (args.json) {
    process.stdout.write(JSON.stringify({ runs: runs.map(({ summary }) => summary), rows: comparisonRows(runs), html: htmlPath }) + '\n');
  } else {
    process.stdout.write(formatComparison(runs));
    process.stdout.write(`\ncomparison: ${shownPath(htmlPath)}\n`);
  }
  return EXIT_OK;
}
