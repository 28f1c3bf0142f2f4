// A child process for the transaction crash tests: commits numbered transactions, each writing one
// record (its number) to every partition of topics `a` (3 partitions) and `b` (2) and the offset
// `number + 1` for group `g`, and kills itself with SIGKILL right after the `killAfterWrite`-th batch
// write of transaction `killIn`: after its prepare record, after some of its batches, or after its
// commit batch. Batch writes are counted by wrapping PartitionLog.append, a test-only seam.
import { PartitionLog } from './partition-log.js';
import { SegmentLog } from './segment-log.js';

const [dataDir, killIn, killAfterWrite] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a))) as [
  string,
  number,
  number,
];
const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
if (!(await log.hasTopic('a'))) await log.createTopic('a', { partitions: 3 });
if (!(await log.hasTopic('b'))) await log.createTopic('b', { partitions: 2 });
const committed = (await log.committedOffsets('g', 'a'))[0]?.offset ?? 0;
process.stdout.write(`start ${committed} ${log.openReport.abortedTransactions.length}\n`);

let writes = -1;
const append = PartitionLog.prototype.append;
PartitionLog.prototype.append = function (this: PartitionLog, ...args: Parameters<PartitionLog['append']>) {
  append.apply(this, args);
  if (writes >= 0 && ++writes === killAfterWrite) process.kill(process.pid, 'SIGKILL');
};

for (let n = committed; ; n++) {
  const tx = log.beginTransaction('crash-test');
  const value = Buffer.from(String(n));
  tx.append(
    'a',
    [0, 1, 2].map((partition) => ({ value, partition })),
  );
  tx.append(
    'b',
    [0, 1].map((partition) => ({ value, partition })),
  );
  tx.commitOffsets('g', [{ topic: 'a', partition: 0, offset: n + 1 }]);
  if (n === killIn) writes = 0;
  await tx.commit();
}
