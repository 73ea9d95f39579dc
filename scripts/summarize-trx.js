// Prints one closing line over every TRX file dotnet test wrote: "Tests: N passed, N failed, N skipped".
// Exits 1 when no test ran, so a run that ran nothing never looks green.
const fs = require("fs");
const path = require("path");
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
const failures = [];
const unescape = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".trx"))) {
  const xml = fs.readFileSync(path.join(dir, file), "utf8");
  const counters = /<Counters[^>]*>/.exec(xml);
  if (!counters) continue;
  const get = (name) => Number((new RegExp(`${name}="(\\d+)"`).exec(counters[0]) || [0, 0])[1]);
  passed += get("passed");
  const failedHere = get("failed") + get("error") + get("timeout") + get("aborted");
  failed += failedHere;
  skipped += get("notExecuted");
  const outcome = /<ResultSummary outcome="([A-Za-z]+)"/.exec(xml);
  if (outcome && !["Completed", "Passed", "Warning"].includes(outcome[1])) {
    // A run that failed with no failed test (a crash, a hang dump) still fails the whole; one with failed tests is them.
    failed += failedHere === 0 ? 1 : 0;
    failures.push(`${file}: test run ${outcome[1]}`);
  }
  // Each failed test with the start of its message: CI keeps only the end of the output, so the cause must be here.
  for (const m of xml.matchAll(/<UnitTestResult [^>]*testName="([^"]+)"[^>]*outcome="Failed"[\s\S]*?<\/UnitTestResult>/g)) {
    const message = /<Message>([\s\S]*?)<\/Message>/.exec(m[0]);
    failures.push(message ? `${m[1]}\n    ${unescape(message[1]).slice(0, 800).replace(/\n/g, "\n    ")}` : m[1]);
  }
}
for (const f of failures) console.log(`FAILED: ${f}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
