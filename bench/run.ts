// `npm run bench`: every benchmark, each figure printed beside its same-run baseline.
import { benchLog, type Figure } from './log-throughput.js';

function line(f: Figure, baseline?: Figure): string {
  const ratio = baseline
    ? `  ${((100 * f.recordsPerSecond) / baseline.recordsPerSecond).toFixed(0)} % of baseline`
    : '';
  return `  ${f.name.padEnd(34)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s ${f.megabytesPerSecond.toFixed(0).padStart(6)} MB/s${ratio}`;
}

const log = await benchLog();
const by = (name: string) => log.find((f) => f.name.startsWith(name))!;
console.log('Embedded log, 200-byte records (10-byte key, 190-byte value), 1,000,000 records, best of 3');
console.log(line(by('raw fs sequential write')));
console.log(line(by('log append'), by('raw fs sequential write')));
console.log(line(by('raw fs sequential read')));
console.log(line(by('log read'), by('raw fs sequential read')));
