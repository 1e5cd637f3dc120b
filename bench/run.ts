/** `pnpm bench [name…]` runs the named benchmarks, or all of them. */
import { apiList } from './api-list.ts';
import { collab } from './collab.ts';
import { csvImport } from './csv-import.ts';
import { edi } from './edi.ts';
import { partnerList } from './partner-list.ts';
import { reports } from './reports.ts';

const benchmarks: Record<string, () => Promise<unknown>> = {
  'api-list': apiList,
  edi,
  'partner-list': partnerList,
  collab,
  'csv-import': csvImport,
  reports,
};

// `--name=value` arguments are options of a benchmark (e.g. `reports --deals=100000`), not names.
const wanted = process.argv.slice(2).filter((a) => a !== '--' && !a.startsWith('--'));
const unknown = wanted.filter((w) => !(w in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(benchmarks)) {
  console.info(`\n== ${name}`);
  await benchmarks[name]!();
}
