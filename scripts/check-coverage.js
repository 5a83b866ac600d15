// Fails (exit 1) unless contract coverage meets the project's bar: 100% of lines, at least 95% of branches.
// Reads coverage/coverage-summary.json written by `hardhat coverage` (istanbul json-summary reporter).
const { readFileSync } = require('node:fs');

const THRESHOLDS = { lines: 100, branches: 95 };

let summary;
try {
  summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'));
} catch {
  console.error('coverage/coverage-summary.json not found: run `npx hardhat coverage` first');
  process.exit(2);
}
let ok = true;
for (const [metric, minimum] of Object.entries(THRESHOLDS)) {
  const pct = summary.total[metric].pct;
  const pass = pct >= minimum;
  ok &&= pass;
  console.log(`${pass ? 'ok  ' : 'FAIL'} contract ${metric}: ${pct}% (minimum ${minimum}%)`);
}
process.exit(ok ? 0 : 1);
