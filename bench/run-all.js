// Runs every benchmark in bench/ one after the other (never side by side: they would share the two cores) and
// prints one JSON object keyed by benchmark name. Each benchmark compares its subjects within its own run, so the
// ratios are what to read across machines. `npm run bench` builds first.
//   node bench/run-all.js [name-filter]
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const filter = process.argv[2] ?? '';
const benches = fs
  .readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.js') && file.includes(filter))
  .sort();

const results = {};
for (const file of benches) {
  const name = file.replace(/\.bench\.js$/, '');
  process.stderr.write(`running ${name}...\n`);
  try {
    const stdout = execFileSync(process.execPath, [path.join(__dirname, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results[name] = JSON.parse(stdout);
  } catch (error) {
    results[name] = { error: error instanceof Error ? error.message : String(error) };
    process.exitCode = 1;
  }
}
console.log(JSON.stringify({ node: process.version, results }, null, 2));
