import { EXIT_OK } from '../../contract/errors.js';
import { formatTerminalSummary } from '../../report/terminal.js';
import { renderStoredRun, shownPath } from '../../run/finish.js';

export interface ReportArgs {
  'run-dir': string;
  json: boolean;
}

export async function reportCommand(args: ReportArgs): Promise<number> {
  const { model, reportPath } = await renderStoredRun(args['run-dir']);
  if (args.json) {
    process.stdout.write(JSON.stringify(model.summary) + '\n');
  } else {
    process.stdout.write(formatTerminalSummary(model));
    process.stdout.write(`\nreport: ${shownPath(reportPath)}\n`);
  }
  return EXIT_OK;
}
