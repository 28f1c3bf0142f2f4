// Distributed `sluice connect`: three worker processes with one group.id share connectors and tasks
// through the Kafka group protocol on `sluice server`'s Kafka listener. A SIGKILLed worker's
// connector and task move to the others and go on from the committed source offsets, losing no
// line; REST writes sent to followers are forwarded to the leader. A group whose members offer Java
// Kafka Connect's protocols is refused with a clear error. The suite runs twice: on `sluice server`'s
// own Kafka listener, and on a real Apache Kafka broker (the server then keeps its topics there too).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Connection, findCoordinatorV4, joinGroupV9, syncGroupV5 } from '@platformatic/kafka';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

/** Defines the suite's tests, on Sluice's own Kafka listener or on a real Apache Kafka broker. */
export function distributedConnectSuite(backend: 'listener' | 'kafka'): void {
  const skip = backend === 'kafka' ? kafkaBroker.missing : undefined;
  const bin = new URL('../../../bin/sluice.js', import.meta.url).pathname;
  const workers = new Set<ChildProcess>();

  let dir = '';
  let server: SluiceProcess;
  let bootstrap: string;
  let broker: KafkaBroker | undefined;

  before(async () => {
    if (skip !== undefined) return;
    dir = mkdtempSync(join(tmpdir(), 'sluice-distributed-'));
    if (backend === 'kafka') {
      broker = await startKafkaBroker();
      server = await startSluice(join(dir, 'data'), { KSQL_BOOTSTRAP_SERVERS: broker.bootstrap });
      bootstrap = broker.bootstrap;
      return;
    }
    server = await startSluice(join(dir, 'data'));
    const found = /Kafka listener: PLAINTEXT:\/\/(\S+)/.exec(server.output())?.[1];
    assert.ok(found, server.output());
    bootstrap = found;
  });

  after(async () => {
    for (const w of workers) w.kill('SIGKILL');
    killAll();
    await broker?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  interface WorkerProcess {
    readonly child: ChildProcess;
    readonly url: string;
    /** host:port, as statuses name the worker. */
    readonly id: string;
    readonly exited: Promise<number | null>;
    output(): string;
  }

  /** `sluice connect` in distributed mode on the server's Kafka listener, with its output and exit. */
  function spawnWorker(
    group: string,
    ownTopics = true,
  ): {
    child: ChildProcess;
    exited: Promise<number | null>;
    output: () => string;
    onOutput: (f: (out: string) => void) => void;
  } {
    const child = spawn(process.execPath, [bin, 'connect', '--bootstrap-server', bootstrap, '--port', '0'], {
      env: {
        ...process.env,
        CONNECT_GROUP_ID: group,
        // The server's embedded worker keeps Kafka's default names for itself.
        ...(ownTopics
          ? {
              CONNECT_CONFIG_STORAGE_TOPIC: `${group}-configs`,
              CONNECT_OFFSET_STORAGE_TOPIC: `${group}-offsets`,
              CONNECT_STATUS_STORAGE_TOPIC: `${group}-status`,
            }
          : {}),
        CONNECT_HEARTBEAT_INTERVAL_MS: '500',
        CONNECT_SESSION_TIMEOUT_MS: '6000',
        CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.add(child);
    let out = '';
    const listeners: ((out: string) => void)[] = [];
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      for (const f of listeners) f(out);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => out, onOutput: (f) => listeners.push(f) };
  }

  /** Starts a worker; resolves once its REST API is up. */
  function startWorker(group: string, ownTopics = true): Promise<WorkerProcess> {
    const w = spawnWorker(group, ownTopics);
    return new Promise((resolve, reject) => {
      w.onOutput((out) => {
        const ready = /Kafka Connect REST API (http:\/\/(\S+)) is ready/.exec(out);
        if (ready)
          resolve({ child: w.child, url: ready[1], id: ready[2], exited: w.exited, output: w.output });
      });
      void w.exited.then((code) => reject(new Error(`worker exited with ${code}:\n${w.output()}`)));
    });
  }

  interface Status {
    connector: { state: string; worker_id: string };
    tasks: { id: number; state: string; worker_id: string }[];
  }

  async function status(url: string, name: string): Promise<Status | undefined> {
    const res = await fetch(`${url}/connectors/${name}/status`);
    return res.status === 200 ? ((await res.json()) as Status) : undefined;
  }

  /** A topic's values, [] until the topic exists. */
  async function topicValues(topic: string): Promise<string[]> {
    try {
      return (await server.records(topic)).map((r) => JSON.parse(r.value ?? 'null') as string);
    } catch {
      return [];
    }
  }

  const lines = (file: number, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `line-${file}-${from + i}`);

  test('three workers share connectors and tasks; a SIGKILLed worker’s work moves to the others and loses no line', {
    skip,
    timeout: 180_000,
  }, async () => {
    const group = 'dist';
    const started = await Promise.all([startWorker(group), startWorker(group), startWorker(group)]);
    const inputs = [0, 1, 2].map((i) => join(dir, `in-${i}.txt`));
    inputs.forEach((file, i) => {
      writeFileSync(file, `${lines(i, 1, 20).join('\n')}\n`);
    });
    // Each connector is created through a different worker: those that do not lead forward to the leader.
    for (const [i, w] of started.entries()) {
      const created = await eventually(`lines-${i} created through ${w.url}`, async () => {
        const res = await fetch(`${w.url}/connectors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `lines-${i}`,
            config: {
              'connector.class': 'FileStreamSource',
              file: inputs[i],
              topic: `dist-lines-${i}`,
              'tasks.max': '1',
            },
          }),
        });
        // 409 while the group has no leader yet (its first rebalance).
        return res.status === 409 ? undefined : res;
      });
      assert.equal(created.status, 201, await created.text());
    }
    // A sink reads file 2's topic back into a file, from its group's committed offsets.
    const sinkFile = join(dir, 'out-2.txt');
    const sink = await fetch(`${started[0].url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'sink-2',
        config: {
          'connector.class': 'FileStreamSink',
          file: sinkFile,
          topics: 'dist-lines-2',
          'tasks.max': '1',
        },
      }),
    });
    assert.equal(sink.status, 201, await sink.text());
    // The work spreads over the three workers, each status readable from any worker.
    const placed = await eventually(
      'every connector and task RUNNING, spread over the three workers',
      async () => {
        const all = await Promise.all(
          ['lines-0', 'lines-1', 'lines-2', 'sink-2'].map((name) => status(started[2].url, name)),
        );
        if (
          all.some(
            (s) => s === undefined || s.connector.state !== 'RUNNING' || s.tasks[0]?.state !== 'RUNNING',
          )
        )
          return undefined;
        const owners = new Set(all.map((s) => s!.tasks[0].worker_id));
        return owners.size === 3 ? (all as Status[]) : undefined;
      },
      60_000,
    );
    for (let i = 0; i < 3; i++)
      await eventually(`the first lines of file ${i}`, async () =>
        (await topicValues(`dist-lines-${i}`)).length === 20 ? true : undefined,
      );

    // SIGKILL the worker that runs lines-0's task; lines arrive meanwhile.
    const victimId = placed[0].tasks[0].worker_id;
    const victim = started.find((w) => w.id === victimId)!;
    const survivors = started.filter((w) => w !== victim);
    victim.child.kill('SIGKILL');
    await victim.exited;
    inputs.forEach((file, i) => {
      appendFileSync(file, `${lines(i, 21, 40).join('\n')}\n`);
    });
    const moved = await eventually(
      'lines-0 and its task RUNNING on a surviving worker',
      async () => {
        const s = await status(survivors[0].url, 'lines-0');
        const ids = survivors.map((w) => w.id);
        return s !== undefined &&
          s.tasks[0]?.state === 'RUNNING' &&
          ids.includes(s.tasks[0].worker_id) &&
          ids.includes(s.connector.worker_id)
          ? s
          : undefined;
      },
      60_000,
    );
    assert.notEqual(moved.tasks[0].worker_id, victimId);
    // Every line of every file reaches its topic, the moved task resuming from the committed offset.
    for (let i = 0; i < 3; i++) {
      const values = await eventually(`all 40 lines of file ${i}`, async () => {
        const got = (await server.records(`dist-lines-${i}`)).map(
          (r) => JSON.parse(r.value ?? 'null') as string,
        );
        return new Set(got).size === 40 ? got : undefined;
      });
      assert.deepEqual([...new Set(values)].sort(), lines(i, 1, 40).sort());
    }

    // The sink, moved or not, has every line of file 2 in its file.
    const sunk = await eventually('all 40 lines of file 2 in the sink file', async () => {
      let text = '';
      try {
        text = readFileSync(sinkFile, 'utf8');
      } catch {
        return undefined;
      }
      const got = new Set(text.split('\n').filter((l) => l !== ''));
      return got.size === 40 ? got : undefined;
    });
    assert.deepEqual([...sunk].sort(), lines(2, 1, 40).sort());
    // A request already forwarded twice (forward=false) is not forwarded again: a follower answers
    // 409, the leader serves it (here a 404, for a connector that does not exist).
    const answers = await Promise.all(
      survivors.map(async (w) => {
        const res = await fetch(`${w.url}/connectors/no-such-connector?forward=false`, { method: 'DELETE' });
        return { w, status: res.status, body: (await res.json()) as { message: string } };
      }),
    );
    const followers = answers.filter((a) => a.status === 409);
    assert.ok(followers.length >= 1, JSON.stringify(answers.map((a) => a.body)));
    assert.match(followers[0].body.message, /conflicting operation/);
    const follower = followers[0].w;
    // A restart sent to the follower reaches the leader, which writes a restart request that the
    // worker running lines-2's task carries out: the task starts a second time there.
    const runner2 = await eventually('lines-2-0 RUNNING on a surviving worker', async () => {
      const s = await status(follower.url, 'lines-2');
      return s?.tasks[0]?.state === 'RUNNING'
        ? survivors.find((w) => w.id === s.tasks[0].worker_id)
        : undefined;
    });
    const starts = () =>
      runner2.output().split('"connector":"lines-2","task":0,"message":"Source task started"').length - 1;
    assert.equal(starts(), 1);
    const restarted = await fetch(`${follower.url}/connectors/lines-2/restart?includeTasks=true`, {
      method: 'POST',
    });
    assert.equal(restarted.status, 202, await restarted.text());
    await eventually('lines-2-0 started again', async () => (starts() === 2 ? true : undefined));
    // Pause and resume, written by whichever worker gets them, reach the workers running the pieces;
    // a stop (the leader's) empties the task configs, and a resume starts the task again.
    const stateIs = (connector: string, task: string | undefined) => async () => {
      const s = await status(peer(follower).url, 'lines-2');
      return s?.connector.state === connector && s.tasks[0]?.state === task ? true : undefined;
    };
    const peer = (w: WorkerProcess) => survivors.find((x) => x !== w)!;
    assert.equal((await fetch(`${follower.url}/connectors/lines-2/pause`, { method: 'PUT' })).status, 202);
    await eventually('lines-2 PAUSED', stateIs('PAUSED', 'PAUSED'));
    assert.equal((await fetch(`${follower.url}/connectors/lines-2/resume`, { method: 'PUT' })).status, 202);
    await eventually('lines-2 RUNNING again', stateIs('RUNNING', 'RUNNING'));
    assert.equal((await fetch(`${follower.url}/connectors/lines-2/stop`, { method: 'PUT' })).status, 204);
    await eventually('lines-2 STOPPED with no tasks', stateIs('STOPPED', undefined));
    // Through a follower whose view of the config topic may lag the stop: the resume is written
    // anyway, and the connector's owner acts on it even if another catch-up read the record first.
    assert.equal((await fetch(`${follower.url}/connectors/lines-2/resume`, { method: 'PUT' })).status, 202);
    await eventually('lines-2 RUNNING after the stop', stateIs('RUNNING', 'RUNNING'));
    // Deleting through that follower is forwarded to the leader and stops the connector wherever it runs.
    const deleted = await fetch(`${follower.url}/connectors/lines-1`, { method: 'DELETE' });
    assert.equal(deleted.status, 204, await deleted.text());
    await eventually('lines-1 gone on every surviving worker', async () => {
      for (const w of survivors)
        if ((await fetch(`${w.url}/connectors/lines-1`)).status !== 404) return undefined;
      return true;
    });

    // A worker frozen past its session (SIGSTOP) loses its work to the other; woken (SIGCONT), it
    // finds itself fenced out and stops that work before joining again, so nothing runs twice.
    const frozenId = (await status(survivors[0].url, 'lines-0'))!.tasks[0].worker_id;
    const frozen = survivors.find((w) => w.id === frozenId)!;
    const other = survivors.find((w) => w !== frozen)!;
    frozen.child.kill('SIGSTOP');
    await eventually(
      'lines-0-0 RUNNING on the other worker',
      async () => ((await status(other.url, 'lines-0'))?.tasks[0]?.worker_id === other.id ? true : undefined),
      60_000,
    );
    frozen.child.kill('SIGCONT');
    await eventually('the woken worker stopped its old work', async () =>
      /no longer a member of its group/.test(frozen.output()) &&
      /"connector":"lines-0","task":0,"message":"Source task stopped"/.test(frozen.output())
        ? true
        : undefined,
    );
    appendFileSync(inputs[0], `${lines(0, 41, 50).join('\n')}\n`);
    const after = await eventually('lines 41-50 of file 0', async () => {
      const got = await topicValues('dist-lines-0');
      return new Set(got).size === 50 ? got : undefined;
    });
    assert.deepEqual([...new Set(after)].sort(), lines(0, 1, 50).sort());
  });

  test('a sluice connect worker refuses a group that Java Kafka Connect workers use, saying what to do', {
    skip,
    timeout: 60_000,
  }, async () => {
    const group = 'java-connect-cluster';
    // A member with Java Kafka Connect's protocols (sessioned, compatible, default) holds the group.
    const [host, port] = [
      bootstrap.slice(0, bootstrap.lastIndexOf(':')),
      Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1)),
    ];
    const connection = new Connection('java-like-worker');
    await connection.connect(host, port);
    try {
      const coordinator = await findCoordinatorV4.api.async(connection, 0, [group]);
      assert.equal(coordinator.coordinators[0].errorCode, 0);
      const join = (memberId: string) =>
        joinGroupV9.api.async(connection, group, 30_000, 30_000, memberId, null, 'connect', [
          { name: 'sessioned', metadata: Buffer.from([0, 2]) },
          { name: 'compatible', metadata: Buffer.from([0, 1]) },
          { name: 'default', metadata: Buffer.from([0, 0]) },
        ]);
      let joined: Awaited<ReturnType<typeof join>>;
      try {
        joined = await join('');
      } catch (err) {
        const memberId = (err as { response?: { memberId?: string } }).response?.memberId;
        assert.ok(memberId, String(err));
        joined = await join(memberId);
      }
      await syncGroupV5.api.async(
        connection,
        group,
        joined.generationId,
        joined.memberId!,
        null,
        'connect',
        'sessioned',
        [{ memberId: joined.memberId!, assignment: Buffer.from([0, 2]) }],
      );
      const worker = spawnWorker(group);
      assert.equal(await worker.exited, 1, worker.output());
      assert.match(
        worker.output(),
        /The Connect group java-connect-cluster is used by workers that speak another Connect protocol/,
      );
      assert.match(worker.output(), /Give the sluice connect workers a group\.id of their own/);
    } finally {
      await connection.close();
    }
  });

  // Only Sluice's listener guards the server's own Connect topics.
  if (backend === 'listener')
    test("a worker left with Kafka's default topic names, which the server's own worker keeps, says to name its own", {
      // Only Sluice's listener guards the server's own Connect topics.
      timeout: 60_000,
    }, async () => {
      const worker = await startWorker('defaults', false);
      const res = await eventually('an answer from the leader', async () => {
        const r = await fetch(`${worker.url}/connectors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'x',
            config: { 'connector.class': 'FileStreamSource', file: join(dir, 'x.txt'), topic: 'x' },
          }),
        });
        return r.status === 409 ? undefined : r;
      });
      assert.equal(res.status, 500);
      const body = (await res.json()) as { message: string };
      assert.match(body.message, /refuses this worker's writes to connect-configs/);
      assert.match(body.message, /CONNECT_CONFIG_STORAGE_TOPIC/);
    });
}
