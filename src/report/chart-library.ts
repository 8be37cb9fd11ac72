/** Shared by the HTML exporters: chart.js inlined, and the colours of arms and runs. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let chartJsSource: string | undefined;
/** chart.js's UMD build, inlined so the report needs no network. Its exports map hides dist/, so go through the package root. */
export function chartJs(): string {
  if (chartJsSource === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js'); // .../chart.js/dist/chart.cjs
    const source = readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
    // Never let the library's text close the <script> element early.
    chartJsSource = source.replace(/<\/script/gi, '<\\/script');
  }
  return chartJsSource;
}

export const ARM_COLOURS = ['#1f6feb', '#d9480f', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#5c940d', '#c2255c'];

