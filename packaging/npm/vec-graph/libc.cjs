// Role: tell a musl C library (Alpine Linux) from glibc. isMusl() judges gathered facts, cheapest
// first, and is unit-tested; libcFacts() gathers them, leaving Node's process report (which can take
// seconds on a busy host) as a last resort, taken without its network section.
'use strict';
const fs = require('node:fs');

const MUSL_OBJECT = /(^|\/)(ld-musl-|libc\.musl-)/;

// facts: { lddText, alpineRelease, getReport }. Unknown is not musl, so nothing is refused on a guess.
function isMusl(facts) {
  if (facts.lddText.includes('musl')) return true;
  if (facts.lddText.includes('GNU C Library')) return false;
  if (facts.alpineRelease) return true;
  const report = facts.getReport();
  if (!report || report.header?.glibcVersionRuntime) return false;
  return (report.sharedObjects ?? []).some((file) => MUSL_OBJECT.test(file));
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function processReport() {
  if (typeof process.report?.getReport !== 'function') return undefined;
  const excludeNetwork = process.report.excludeNetwork;
  process.report.excludeNetwork = true;
  try {
    return process.report.getReport();
  } finally {
    process.report.excludeNetwork = excludeNetwork;
  }
}

function libcFacts() {
  return {
    lddText: readText('/usr/bin/ldd'),
    alpineRelease: fs.existsSync('/etc/alpine-release'),
    getReport: processReport,
  };
}

module.exports = { isMusl, libcFacts };
