// A child process for the state store crash tests: a COUNT per key over topic `in`, committed
// exactly-once (changelog records, output records to `out` and the input offset in one log
// transaction, then the store files). With `killBatch` ≥ 0 it kills itself with SIGKILL in that batch
// at `killStage`: before the transaction commits (mid-batch), after it commits but before the files
// are flushed to the files, or after the flush. Files are flushed only when asked, so the restart's
// replay is predictable. It prints its restore reports as one JSON line first.
import { SegmentLog } from '../../log/index.js';
import { StateStores, type ValueCodec } from './index.js';

const [dataDir, stateDir, killBatchText, killStage, batchSizeText] = process.argv.slice(2);
const killBatch = Number(killBatchText);
const batchSize = Number(batchSizeText);
const APP = '_confluent-ksql-test_query_CTAS_COUNTS_0';
const GROUP = APP;

export const countCodec: ValueCodec<number> = {
  encode: (n) => Buffer.from(String(n)),
  decode: (b) => Number(b.toString()),
};

const log = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
const stores = await StateStores.open({
  log,
  stateDir,
  applicationId: APP,
  partition: 0,
  partitions: 1,
  stores: [{ name: 'Aggregate-Aggregate-Materialize', kind: 'keyValue' }],
  maxUnflushedEntries: Number.MAX_SAFE_INTEGER,
  flushIntervalMs: Number.MAX_SAFE_INTEGER,
});
process.stdout.write(`${JSON.stringify(stores.restored)}\n`);
const counts = stores.keyValueStore('Aggregate-Aggregate-Materialize', countCodec);

let offset = (await log.committedOffsets(GROUP, 'in'))[0]?.offset ?? 0;
const end = await log.endOffset('in', 0);
for (let batch = 0; offset < end; batch++) {
  const read = await log.read('in', 0, offset, { maxRecords: batchSize });
  const outputs = [];
  for (const r of read.records) {
    const key = r.key as Buffer;
    const count = (counts.get(key) ?? 0) + 1;
    counts.put(key, count, r.timestamp);
    outputs.push({ key, value: Buffer.from(String(count)), timestamp: r.timestamp });
  }
  const tx = log.beginTransaction(APP);
  stores.stageChangelog(tx);
  tx.append('out', outputs);
  tx.commitOffsets(GROUP, [{ topic: 'in', partition: 0, offset: read.nextOffset }]);
  const kill = batch === killBatch;
  if (kill && killStage === 'before-commit') process.kill(process.pid, 'SIGKILL');
  await tx.commit();
  if (kill && killStage === 'after-log-commit') process.kill(process.pid, 'SIGKILL');
  await stores.applyCommitted();
  if (kill && killStage === 'after-flush') {
    stores.flush();
    process.kill(process.pid, 'SIGKILL');
  }
  offset = read.nextOffset;
}
await stores.close();
await log.close();
process.stdout.write('done\n');
