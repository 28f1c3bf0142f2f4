import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ConnectValue } from '../../connect/api/index.js';
import type { WriteGroup } from './batch-plan.js';
import type { InsertMode } from './jdbc-sink-config.js';
import type { RowOp } from './record-rows.js';
import type { ColumnInfo, TableInfo } from './table-manager.js';
import { TableException } from './table-manager.js';
import type { Identifiers } from './table-ref.js';
import { copyField, type Encoder, encoderFor, escapeFree, type TimestampFormat } from './value-text.js';

// The statements that write one group (rows of one table, kind and shape), chunked by batch.size
// and by PostgreSQL's 65535 bind parameters. Values are always parameters (or COPY data), names
// always quoted identifiers.

const MAX_PARAMETERS = 65_535;
/** From this many rows, upserts go through a staging table (COPY, then INSERT … SELECT). */
const STAGE_MIN_ROWS = 100;

const V = '"__sluice_v"';
const T = '"__sluice_t"';

/**
 * A staging table's name, private to the session: one per target table, column list and column
 * types (a table recreated with other types gets a new one).
 */
function stageName(table: string, columns: readonly ColumnInfo[]): string {
  let hash = 0x811c9dc5;
  const text = `${table}\u0000${columns.map((c) => `${c.name}\u0001${c.type}`).join('\u0000')}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `__sluice_stage_${hash.toString(16)}`;
}

/** A group's columns resolved against its table, with their encoders. */
export interface GroupStatements {
  /** Writes these rows (of the group) in order of statements; throws PostgreSQL's error. */
  write(client: pg.Client, ops: readonly RowOp[]): Promise<void>;
  /** Insert mode: a COPY to stream rows of this group's shape into. */
  openCopy?(client: pg.Client): CopyWriter;
}

interface Resolved {
  readonly columns: readonly ColumnInfo[];
  readonly names: readonly string[];
  readonly encoders: readonly Encoder[];
  /** COPY field encoders: escaped unless the text cannot need it. */
  readonly copyEncoders: readonly ((value: ConnectValue) => string)[];
  readonly keyCount: number;
}

function resolve(
  group: WriteGroup,
  table: TableInfo,
  ids: Identifiers,
  timestamps: TimestampFormat,
): Resolved {
  const fields = [...group.shape.keyColumns, ...group.shape.valueColumns];
  if (fields.length === 0)
    throw new TableException(`The records for table ${table.ref.display} have no fields to write.`);
  const columns = fields.map((f) => {
    const column = table.columns.get(ids.stored(f.name));
    if (column === undefined) throw new TableException(`Table ${table.ref.display} has no column ${f.name}.`);
    return column;
  });
  const encoders = fields.map((f, i) => encoderFor(f.schema, columns[i].kind, timestamps));
  return {
    columns,
    names: columns.map((c) => ids.sql(c.name)),
    encoders,
    copyEncoders: encoders.map((encode, i) =>
      escapeFree(fields[i].schema, columns[i].kind)
        ? (v: ConnectValue) => encode(v) ?? '\\N'
        : (v: ConnectValue) => copyField(encode(v)),
    ),
    keyCount: group.shape.keyColumns.length,
  };
}

function* chunks<X>(items: readonly X[], size: number): Generator<readonly X[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function encodeRows(r: Resolved, ops: readonly RowOp[]): (string | null)[] {
  const out: (string | null)[] = new Array(ops.length * r.encoders.length);
  let n = 0;
  for (const op of ops) for (let i = 0; i < r.encoders.length; i++) out[n++] = r.encoders[i](op.values[i]);
  return out;
}

/** `($1::t,$2::t),($3::t,$4::t)`: rows of placeholders, cast when the statement gives no column types. */
function placeholders(rows: number, columns: readonly ColumnInfo[], cast: boolean): string {
  const parts: string[] = new Array(rows);
  let n = 1;
  for (let row = 0; row < rows; row++) {
    const cells: string[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) cells[c] = cast ? `$${n++}::${columns[c].type}` : `$${n++}`;
    parts[row] = `(${cells.join(',')})`;
  }
  return parts.join(',');
}

/** Rows per COPY data message: small enough that PostgreSQL parses one while the next is encoded. */
const COPY_SLICE = 500;

/** An open COPY … FROM STDIN that rows are streamed into. */
export interface CopyWriter {
  /** Encodes and sends rows; resolves once the socket took them (not when they are stored). */
  write(ops: readonly RowOp[]): Promise<void>;
  /** Ends the COPY; resolves when PostgreSQL stored every row (or rejects with its error). */
  end(): Promise<void>;
}

/**
 * Opens a COPY and streams rows into it slice by slice, so encoding overlaps the server's
 * parsing. The stream holds one slice at a time (highWaterMark 1): pg-copy-streams must not be
 * handed more data after the server reported an error, which it could if slices queued up.
 */
function openCopy(
  client: pg.Client,
  sql: string,
  encode: readonly ((value: ConnectValue) => string)[],
): CopyWriter {
  const stream = client.query(copyFrom(sql, { highWaterMark: 1 }));
  let failed: Error | undefined;
  // A value the encoders refused: the COPY is abandoned and this (not the server's "COPY from
  // stdin failed") is the error to report.
  let refused: unknown;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (err) => {
      failed = err;
      reject(err);
    });
  });
  // Observed by write and end; without this an early failure would be an unhandled rejection.
  done.catch(() => {});
  const last = encode.length - 1;
  return {
    async write(ops) {
      for (let start = 0; start < ops.length; start += COPY_SLICE) {
        if (failed !== undefined) throw failed;
        const end = Math.min(start + COPY_SLICE, ops.length);
        const fields: string[] = new Array((end - start) * encode.length);
        // A UTF-16 code unit is at most 3 bytes of UTF-8; one more for the tab or newline.
        let bound = 0;
        try {
          let k = 0;
          for (let n = start; n < end; n++) {
            const values = ops[n].values;
            for (let i = 0; i <= last; i++) {
              const text = encode[i](values[i]);
              fields[k++] = text;
              bound += text.length * 3 + 1;
            }
          }
        } catch (err) {
          refused = err;
          stream.destroy(err as Error);
          throw err;
        }
        // Encoded field by field into one buffer: building one string and encoding it costs
        // several times more per row. A new buffer per slice: the stream holds it until sent.
        const data = Buffer.allocUnsafe(bound);
        let size = 0;
        for (let k = 0; k < fields.length; ) {
          for (let i = 0; i <= last; i++) {
            size += data.write(fields[k++], size, 'utf8');
            data[size++] = i === last ? 0x0a : 0x09;
          }
        }
        if (!stream.write(data.subarray(0, size))) await Promise.race([once(stream, 'drain'), done]);
      }
      if (failed !== undefined) throw failed;
    },
    async end() {
      if (refused !== undefined) {
        await done.catch(() => {});
        throw refused;
      }
      if (failed === undefined) stream.end();
      await done;
    },
  };
}

export function groupStatements(
  group: WriteGroup,
  table: TableInfo,
  mode: InsertMode,
  batchSize: number,
  ids: Identifiers,
  timestamps: TimestampFormat,
): GroupStatements {
  const r = resolve(group, table, ids, timestamps);
  const perStatement = Math.max(
    1,
    Math.min(batchSize, Math.floor(MAX_PARAMETERS / Math.max(1, r.columns.length))),
  );
  const keys = r.names.slice(0, r.keyCount);
  const values = r.names.slice(r.keyCount);
  const keyMatch = keys.map((k) => `${T}.${k} = ${V}.${k}`).join(' and ');

  if (group.kind === 'delete') {
    return {
      async write(client, ops) {
        for (const chunk of chunks(ops, perStatement)) {
          await client.query(
            `delete from ${table.ref.sql} as ${T} using (values ${placeholders(chunk.length, r.columns, true)}) as ${V} (${keys.join(',')}) where ${keyMatch}`,
            encodeRows(r, chunk),
          );
        }
      },
    };
  }
  if (mode === 'insert') {
    // COPY: PostgreSQL's bulk path, several times the rate of multi-row INSERT.
    const sql = `copy ${table.ref.sql} (${r.names.join(',')}) from stdin`;
    return {
      async write(client, ops) {
        for (const chunk of chunks(ops, batchSize)) {
          const copy = openCopy(client, sql, r.copyEncoders);
          try {
            await copy.write(chunk);
          } finally {
            await copy.end();
          }
        }
      },
      openCopy: (client) => openCopy(client, sql, r.copyEncoders),
    };
  }
  if (mode === 'upsert') {
    const action =
      values.length === 0
        ? 'do nothing'
        : `do update set ${values.map((v) => `${v} = excluded.${v}`).join(', ')}`;
    const columns = r.names.join(',');
    const stage = ids.sql(stageName(table.ref.sql, r.columns));
    return {
      async write(client, ops) {
        if (ops.length >= STAGE_MIN_ROWS) {
          // Many rows: COPY them into a session-private table, then one INSERT … SELECT.
          await client.query(
            `create temp table if not exists ${stage} on commit delete rows as select ${columns} from ${table.ref.sql} with no data`,
          );
          for (const chunk of chunks(ops, batchSize)) {
            const copy = openCopy(client, `copy ${stage} (${columns}) from stdin`, r.copyEncoders);
            try {
              await copy.write(chunk);
            } finally {
              await copy.end();
            }
            await client.query(
              `insert into ${table.ref.sql} (${columns}) select ${columns} from ${stage} on conflict (${keys.join(',')}) ${action}`,
            );
            await client.query(`delete from ${stage}`);
          }
          return;
        }
        for (const chunk of chunks(ops, perStatement)) {
          await client.query(
            `insert into ${table.ref.sql} (${r.names.join(',')}) values ${placeholders(chunk.length, r.columns, false)} on conflict (${keys.join(',')}) ${action}`,
            encodeRows(r, chunk),
          );
        }
      },
    };
  }
  // update: rows that do not exist are left alone, as UPDATE does.
  return {
    async write(client, ops) {
      if (values.length === 0) return;
      for (const chunk of chunks(ops, perStatement)) {
        await client.query(
          `update ${table.ref.sql} as ${T} set ${values.map((v) => `${v} = ${V}.${v}`).join(', ')} from (values ${placeholders(chunk.length, r.columns, true)}) as ${V} (${r.names.join(',')}) where ${keyMatch}`,
          encodeRows(r, chunk),
        );
      }
    },
  };
}
