/**
 * Kafka Connect's group protocol blobs (IncrementalCooperativeConnectProtocol, version 1): member
 * metadata and assignments, in classic Kafka encoding (int16-length strings, int32-count arrays,
 * int64 offsets). Sluice offers them under its own sub-protocol name, so that the coordinator never
 * puts a Java Kafka Connect worker (which offers `sessioned`, `compatible`, `default`) and a
 * `sluice connect` worker into one generation: their plugins differ, so they cannot share work.
 */

/** The group's protocol type, as Kafka Connect's. */
export const CONNECT_PROTOCOL_TYPE = 'connect';
/** Sluice's sub-protocol: Connect's version-1 blobs, offered by Sluice workers only. */
export const SLUICE_CONNECT_PROTOCOL = 'sluice-compatible';
/** The sub-protocols Java Kafka Connect workers offer (connect.protocol=sessioned, compatible, eager). */
export const JAVA_CONNECT_PROTOCOLS: readonly string[] = ['sessioned', 'compatible', 'default'];

const VERSION = 1;
/** A task id of -1 stands for the connector instance (ConnectProtocol.CONNECTOR_TASK). */
export const CONNECTOR_TASK = -1;

/** Connectors and tasks, by connector: task -1 is the connector itself. */
export type WorkSet = ReadonlyMap<string, readonly number[]>;

export interface MemberMetadata {
  /** The worker's REST URL, where followers forward leader-only requests. */
  readonly url: string;
  /** How far the worker has read the config topic. */
  readonly configOffset: number;
  /** What the worker runs now (its allocation), or null before its first assignment. */
  readonly allocation: WorkSet | null;
}

export interface Assignment {
  /** 0, or 1 (CONFIG_MISMATCH: read the config topic further and join again). */
  readonly error: number;
  readonly leader: string;
  readonly leaderUrl: string;
  readonly configOffset: number;
  /** Work newly given to this member. */
  readonly assigned: WorkSet;
  /** Work this member must stop before joining again. */
  readonly revoked: WorkSet;
  /** Milliseconds after which to join again (work of a departed worker held for it). */
  readonly delay: number;
}

export const CONFIG_MISMATCH = 1;

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    this.parts.push(b);
    return this;
  }
  string(v: string): this {
    const s = Buffer.from(v, 'utf8');
    this.int16(s.length);
    this.parts.push(s);
    return this;
  }
  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    this.parts.push(v);
    return this;
  }
  work(set: WorkSet | null): this {
    if (set === null) return this.int32(-1);
    this.int32(set.size);
    for (const [connector, tasks] of set) {
      this.string(connector);
      this.int32(tasks.length);
      for (const t of tasks) this.int32(t);
    }
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private at = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error('Connect protocol blob ends early');
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  int64(): number {
    this.need(8);
    const v = Number(this.buf.readBigInt64BE(this.at));
    this.at += 8;
    return v;
  }
  string(): string {
    const n = this.int16();
    this.need(n);
    const v = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  work(): Map<string, number[]> | null {
    const n = this.int32();
    if (n < 0) return null;
    const out = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const connector = this.string();
      const count = this.int32();
      const tasks: number[] = [];
      for (let j = 0; j < count; j++) tasks.push(this.int32());
      out.set(connector, tasks);
    }
    return out;
  }
}

const EMPTY: WorkSet = new Map();

export function encodeAssignment(a: Assignment): Buffer {
  return new Writer()
    .int16(VERSION)
    .int16(a.error)
    .string(a.leader)
    .string(a.leaderUrl)
    .int64(a.configOffset)
    .work(a.assigned)
    .work(a.revoked)
    .int32(a.delay)
    .done();
}

export function decodeAssignment(buf: Buffer): Assignment {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 1) throw new Error(`Connect assignment version ${version} is not one Sluice reads`);
  return {
    error: r.int16(),
    leader: r.string(),
    leaderUrl: r.string(),
    configOffset: r.int64(),
    assigned: r.work() ?? EMPTY,
    revoked: r.work() ?? EMPTY,
    delay: r.int32(),
  };
}

export function encodeMetadata(m: MemberMetadata): Buffer {
  const allocation =
    m.allocation === null
      ? null
      : encodeAssignment({
          error: 0,
          leader: '',
          leaderUrl: '',
          configOffset: m.configOffset,
          assigned: m.allocation,
          revoked: EMPTY,
          delay: 0,
        });
  return new Writer().int16(VERSION).string(m.url).int64(m.configOffset).bytes(allocation).done();
}

export function decodeMetadata(buf: Buffer): MemberMetadata {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 1) throw new Error(`Connect member metadata version ${version} is not one Sluice reads`);
  const url = r.string();
  const configOffset = r.int64();
  const allocation = r.bytes();
  return {
    url,
    configOffset,
    allocation: allocation === null ? null : decodeAssignment(allocation).assigned,
  };
}
