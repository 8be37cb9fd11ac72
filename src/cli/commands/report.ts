import { shownPath } from '../harness.js';
import { EXIT_OK } from '../../errors.js';
import { renderRunFolder } from '../../report/render.js';
import { formatTerminalSummary } from '../../report/terminal.js';

export interface ReportArgs {
  'run-dir': string;
  json: boolean;
}

export async function reportCommand(args: ReportArgs): Promise<number> {
  const { summary, reportPath } = await renderRunFolder(args['run-dir']);
  if (args.json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    process.stdout.write(formatTerminalSummary(summary));
    process.stdout.write(`\nreport: ${shownPath(reportPath)}\n`);
  }
  return EXIT_OK;
}
