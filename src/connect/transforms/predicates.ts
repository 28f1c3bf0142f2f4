import { ConfigDef, type ConnectRecord, type Predicate, Validators } from '../api/index.js';
import { JavaRegex } from './java-regex.js';
import { validRegex } from './routers.js';

/** org.apache.kafka.connect.transforms.predicates.TopicNameMatches: the whole topic name matches `pattern`. */
export class TopicNameMatches implements Predicate {
  static readonly CONFIG_DEF = new ConfigDef().define({
    name: 'pattern',
    type: 'STRING',
    importance: 'MEDIUM',
    documentation: "A Java regular expression for matching against the name of a record's topic.",
    validator: Validators.allOf(Validators.nonEmptyString(), validRegex),
  });

  private pattern = new JavaRegex('');

  configure(configs: Readonly<Record<string, string>>): void {
    this.pattern = new JavaRegex(TopicNameMatches.CONFIG_DEF.parse(configs).pattern);
  }

  test(record: ConnectRecord): boolean {
    return this.pattern.matches(record.topic);
  }

  config(): ConfigDef {
    return TopicNameMatches.CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.predicates.HasHeaderKey: the record has a header with this name. */
export class HasHeaderKey implements Predicate {
  static readonly CONFIG_DEF = new ConfigDef().define({
    name: 'name',
    type: 'STRING',
    importance: 'MEDIUM',
    documentation: 'The header name.',
    validator: Validators.nonEmptyString(),
  });

  private name = '';

  configure(configs: Readonly<Record<string, string>>): void {
    this.name = HasHeaderKey.CONFIG_DEF.parse(configs).name;
  }

  test(record: ConnectRecord): boolean {
    return record.headers.some((h) => h.key === this.name);
  }

  config(): ConfigDef {
    return HasHeaderKey.CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.predicates.RecordIsTombstone: the value is null. */
export class RecordIsTombstone implements Predicate {
  static readonly CONFIG_DEF = new ConfigDef();

  configure(_configs: Readonly<Record<string, string>>): void {}

  test(record: ConnectRecord): boolean {
    return record.value === null;
  }

  config(): ConfigDef {
    return RecordIsTombstone.CONFIG_DEF;
  }

  close(): void {}
}
