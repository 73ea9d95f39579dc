// Prints one closing line over every TRX file dotnet test wrote: "Tests: N passed, N failed, N skipped".
// Exits 1 when no test ran, so a run that ran nothing never looks green.
const fs = require("fs");
const path = require("path");
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
const failures = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".trx"))) {
  const xml = fs.readFileSync(path.join(dir, file), "utf8");
  const counters = /<Counters[^>]*>/.exec(xml);
  if (!counters) continue;
  const get = (name) => Number((new RegExp(`${name}="(\\d+)"`).exec(counters[0]) || [0, 0])[1]);
  passed += get("passed");
  failed += get("failed") + get("error") + get("timeout") + get("aborted");
  skipped += get("notExecuted");
  const outcome = /<ResultSummary outcome="([A-Za-z]+)"/.exec(xml);
  if (outcome && !["Completed", "Passed", "Warning"].includes(outcome[1])) {
    failed += 1;
    failures.push(`${file}: test run ${outcome[1]}`);
  }
  for (const m of xml.matchAll(/<UnitTestResult [^>]*testName="([^"]+)"[^>]*outcome="Failed"/g)) failures.push(m[1]);
}
for (const f of failures) console.log(`FAILED: ${f}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
