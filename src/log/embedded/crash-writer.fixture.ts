// A child process for the crash tests: appends numbered records to topic `seq` forever and prints
// "ack N" once record N (and all before it) has been acknowledged by the log.
import { SegmentLog } from './segment-log.js';

const [dataDir, durability, batchBytes] = process.argv.slice(2);
const log = await SegmentLog.open({
  dataDir,
  durability: durability === 'fsync' ? 'fsync' : 'interval',
  cleanerIntervalMs: 0,
});
if (!(await log.hasTopic('seq'))) await log.createTopic('seq', { config: { 'segment.bytes': '262144' } });
let next = await log.endOffset('seq', 0);
process.stdout.write(`start ${next} ${log.openReport.truncatedBytes}\n`);
const padding = 'x'.repeat(Number(batchBytes ?? '100'));
for (;;) {
  const count = 1 + Math.floor(Math.random() * 200);
  const records = [];
  for (let i = 0; i < count; i++)
    records.push({ key: Buffer.from(String(next + i)), value: Buffer.from(`${next + i}:${padding}`) });
  await log.append('seq', records);
  next += count;
  process.stdout.write(`ack ${next - 1}\n`);
}
