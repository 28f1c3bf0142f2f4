import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigException, Struct } from '../../connect/api/index.js';
import { plugins } from './index.js';
import { taskContext } from './test-contexts.js';
import { VolubleSourceConnector } from './voluble-connector.js';

/** The connector config of the seed statement (connector-management.md), unchanged. */
const SEED_CONFIG = {
  'connector.class': 'io.mdrogalis.voluble.VolubleSourceConnector',
  'genkp.people.with': '#{Internet.uuid}',
  'genv.people.name.with': '#{Name.full_name}',
  'genv.people.creditCardNumber.with': '#{Finance.credit_card}',
  'global.throttle.ms': '500',
};

const errorsOf = (props: Record<string, string>) =>
  Object.fromEntries(
    new VolubleSourceConnector()
      .validate(props)
      .filter((v) => v.errors.length > 0)
      .map((v) => [v.name, v.errors.join(' ')]),
  );

test('the seed statement validates and generates people keyed by a UUID with a name and a card number', async () => {
  const connector = new VolubleSourceConnector();
  assert.deepEqual(errorsOf(SEED_CONFIG), {});
  connector.start(SEED_CONFIG);
  const [taskConfig] = connector.taskConfigs(1);
  const task = connector.createTask();
  task.initialize(taskContext(taskConfig));
  await task.start(taskConfig);
  const records = (await task.poll()) ?? [];
  await task.stop();
  assert.equal(records.length, 1, 'a 500 ms throttle lets one record through at first');
  const [r] = records;
  assert.equal(r.topic, 'people');
  assert.match(String(r.key), /^[0-9a-f-]{36}$/);
  assert.deepEqual(r.keySchema, { type: 'STRING', optional: true });
  assert.ok(r.value instanceof Struct);
  assert.equal(r.valueSchema?.name, 'io.mdrogalis.Gen0');
  assert.deepEqual(
    r.valueSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional]),
    [
      ['name', 'STRING', true],
      ['creditCardNumber', 'STRING', true],
    ],
  );
  assert.match(String(r.value.get('name')), /\S+ \S+/);
  assert.match(String(r.value.get('creditCardNumber')), /^[\d-]{12,}$/);
  assert.equal(r.timestamp, null);
  assert.deepEqual(r.headers, []);
});

test('the README quick example and its further examples all validate', () => {
  const examples: Record<string, string>[] = [
    {
      'genkp.owners.with': '#{Internet.uuid}',
      'genv.owners.name->full.with': '#{Name.full_name}',
      'genv.owners.creditCardNumber.with': '#{Finance.credit_card}',
      'genk.cats.name.with': '#{FunnyName.name}',
      'genv.cats.owner.matching': 'owners.key',
      'genk.diets.catName.matching': 'cats.key.name',
      'genv.diets.dish.with': '#{Food.vegetables}',
      'genv.diets.measurement.with': '#{Food.measurements}',
      'genv.diets.size.with': '#{Food.measurement_sizes}',
      'genk.adopters.name.sometimes.with': '#{Name.full_name}',
      'genk.adopters.name.sometimes.matching': 'adopters.key.name',
      'genv.adopters.jobTitle.with': '#{Job.title}',
      'attrk.adopters.name.matching.rate': '0.05',
      'topic.adopters.tombstone.rate': '0.10',
      'global.throttle.ms': '500',
      'global.history.records.max': '100000',
    },
    {
      'genk.people.id.with': '#{Internet.uuid}',
      'genk.people.avatar.with': '#{Internet.avatar}',
      'genv.people.name.with': '#{Name.full_name}',
      'genv.people.bloodType.with': '#{Name.blood_group}',
    },
    {
      'genkp.users.with': '#{Name.full_name}',
      'genvp.users.with': '#{Name.blood_group}',
      'genkp.publications.matching': 'users.key',
      'genv.publications.title.with': '#{Book.title}',
    },
    {
      'genkp.teamA.sometimes.with': '#{Team.name}',
      'genkp.teamA.sometimes.matching': 'teamB.key',
      'genkp.teamB.sometimes.with': '#{Team.name}',
      'genkp.teamB.sometimes.matching': 'teamA.key',
      'genv.teamA.stadium->location.with': '#{Address.state}',
      'genv.teamB.backupLocation.matching': 'teamA.value.stadium->location',
    },
    {
      'genvp.x.with':
        "#{number.number_between '-9','9'} #{date.birthday '10','20'} #{date.past '10','DAYS'} " +
        "#{date.between 'Sun Mar 22 01:59:02 PDT 2020','Sun Mar 24 01:59:02 PDT 2020'}",
      'genv.score_events.player.with': "Player #{number.number_between '1','6'}",
      'genvp.dragons.with': '#{GameOfThrones.dragon} #{HitchhikersGuideToTheGalaxy.planet} #{Beer.name}',
      'attrkp.traffic.null.rate': '1',
      'genkp.traffic.with': '#{Dog.name}',
    },
  ];
  for (const props of examples) assert.deepEqual(errorsOf(props), {}, JSON.stringify(props));
});

test('an unknown expression is rejected at validate, naming the key and the directive', () => {
  const errors = errorsOf({ ...SEED_CONFIG, 'genv.people.name.with': '#{Name.fool_name}' });
  assert.deepEqual(Object.keys(errors), ['genv.people.name.with']);
  assert.match(errors['genv.people.name.with'], /Unable to resolve #\{Name.fool_name\} directive/);
});

test('bad directive arguments are rejected at validate, naming the key', () => {
  const errors = errorsOf({ 'genvp.t.with': "#{number.number_between 'one','ten'}" });
  assert.match(errors['genvp.t.with'], /'one' is not an integer/);
});

test('every malformed directive is reported against its own key', () => {
  const errors = errorsOf({
    'genkp.a.with': '#{Internet.uuid}',
    'genvp.a.with': '#{Name.full_name}',
    'genkp.a.sometimes.with': '#{Name.full_name}',
    'genv.b.x.sometimes.with': '#{Name.full_name}',
    'genv.b.y.matchin': 'a.key',
    'genv.c.x.matching': 'nowhere.key',
    'genv.c.y.matching': 'a.value.name',
    'genv.c.z.matching': 'd.value',
    'genv.d.f.with': 'x',
    'genv.d.f->g.with': 'y',
    'genkp.d.with': 'k',
    'genk.d.k.with': 'k',
    'attrv.d.missing.null.rate': '0.5',
    'attrvp.d.null.rate': '0.5',
    'attrv.d.f.odds': '0.5',
    'topic.nowhere.throttle.ms': '10',
    'topic.d.records.exactly': '0',
    'topic.d.colour': 'red',
    'topic.d.throttle.ms': 'soon',
    'global.colour': 'red',
    'global.throttle.ms': 'x',
    'genv.bad': 'no attr or generator',
  });
  const expect: Record<string, RegExp> = {
    'genkp.a.with': /one .with or one .matching/,
    'genkp.a.sometimes.with': /one .with or one .matching/,
    'genv.b.x.sometimes.with': /both .sometimes.with/,
    'genv.b.y.matchin': /Unknown generator 'matchin'/,
    'genv.c.x.matching': /Topic 'nowhere' is not generated/,
    'genv.c.y.matching': /Topic 'a' has no value fields/,
    'genv.c.z.matching': /complex value; name one of its fields/,
    'genv.d.f.with': /also the parent of generated field 'f->g'/,
    'genkp.d.with': /both primitive \(genkp\) and complex \(genk\)/,
    'genk.d.k.with': /both primitive/,
    'attrv.d.missing.null.rate': /no generator for value field 'missing'/,
    'attrvp.d.null.rate': /no primitive value generator/,
    'attrv.d.f.odds': /Unrecognized attribute configuration/,
    'topic.nowhere.throttle.ms': /Topic 'nowhere' has no generator/,
    'topic.d.records.exactly': /records.exactly must be greater than 0/,
    'topic.d.colour': /Unrecognized topic configuration/,
    'topic.d.throttle.ms': /Expected a whole number/,
    'global.colour': /Unrecognized global configuration: global.colour/,
    'global.throttle.ms': /Not a number of type LONG/,
    'genv.bad': /Not a Voluble key/,
  };
  for (const [key, pattern] of Object.entries(expect))
    assert.match(errors[key] ?? '(no error)', pattern, key);
});

test('the global knobs are read from their declarations: a bad one fails the start under its key, once', () => {
  assert.deepEqual(errorsOf({ ...SEED_CONFIG, 'global.history.records.max': '0' }), {
    'global.history.records.max':
      'Invalid value 0 for configuration global.history.records.max: Value must be at least 1',
  });
  const connector = new VolubleSourceConnector();
  assert.throws(
    () => connector.start({ ...SEED_CONFIG, 'global.throttle.ms': '-5' }),
    (err: unknown) =>
      err instanceof ConfigException &&
      err.problems.length === 1 &&
      err.problems[0].key === 'global.throttle.ms' &&
      /Value must be at least 0/.test(err.message),
  );
});

test('Kafka Connect topic.creation settings are left to the worker', () => {
  assert.deepEqual(errorsOf({ ...SEED_CONFIG, 'topic.creation.default.partitions': '3' }), {});
});

test('a config with no generator refuses to start, and start throws every problem by key', () => {
  assert.match(errorsOf({ 'connector.class': 'x' })['connector.class'], /No usable properties/);
  const connector = new VolubleSourceConnector();
  assert.throws(
    () => connector.start({ 'genvp.t.with': '#{Nope.nope}' }),
    (err: unknown) =>
      err instanceof ConfigException &&
      err.problems[0].key === 'genvp.t.with' &&
      /Configuration problem: .*Unable to resolve/.test(err.message),
  );
});

test('tasks are identical copies of the config, each with its task id', () => {
  const connector = new VolubleSourceConnector();
  connector.start(SEED_CONFIG);
  const configs = connector.taskConfigs(3);
  assert.deepEqual(
    configs.map((c) => c['task.id']),
    ['0', '1', '2'],
  );
  assert.equal(configs[2]['genkp.people.with'], '#{Internet.uuid}');
});

test('the plugin list registers the upstream class name as a source connector', () => {
  assert.equal(plugins.length, 1);
  assert.equal(plugins[0].className, 'io.mdrogalis.voluble.VolubleSourceConnector');
  assert.equal(plugins[0].type, 'source');
  assert.equal(plugins[0].create().kind, 'source');
});
