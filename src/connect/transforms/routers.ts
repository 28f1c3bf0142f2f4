import { ConfigDef, type ConnectRecord, DataException, type Transformation } from '../api/index.js';
import { JavaRegex } from './java-regex.js';
import { SimpleDateFormat } from './simple-date-format.js';

/** Validates a Java regex config value. */
export function validRegex(_name: string, value: unknown): void {
  if (typeof value !== 'string') return;
  try {
    new JavaRegex(value);
  } catch (err) {
    throw new Error(`Invalid regex: ${(err as Error).message}`);
  }
}

/** org.apache.kafka.connect.transforms.RegexRouter: renames a topic that matches `regex` wholly. */
export class RegexRouter implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'regex',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Regular expression to use for matching.',
      validator: validRegex,
    })
    .define({
      name: 'replacement',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Replacement string.',
    });

  private regex = new JavaRegex('');
  private replacement = '';

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = RegexRouter.CONFIG_DEF.parse(configs);
    this.regex = new JavaRegex(parsed.regex);
    this.replacement = parsed.replacement;
  }

  apply<R extends ConnectRecord>(record: R): R {
    if (!this.regex.matches(record.topic)) return record;
    return { ...record, topic: this.regex.replaceFirst(record.topic, this.replacement) };
  }

  config(): ConfigDef {
    return RegexRouter.CONFIG_DEF;
  }

  close(): void {}
}

// Kafka's placeholders, spelled out so they are not mistaken for template strings.
const TOPIC = '$' + '{topic}';
const TIMESTAMP = '$' + '{timestamp}';

/** org.apache.kafka.connect.transforms.TimestampRouter: topic from the topic and the record's timestamp. */
export class TimestampRouter implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'topic.format',
      type: 'STRING',
      defaultValue: `${TOPIC}-${TIMESTAMP}`,
      importance: 'HIGH',
      documentation: `Format string which can contain <code>${TOPIC}</code> and <code>${TIMESTAMP}</code> as placeholders for the topic and timestamp, respectively.`,
    })
    .define({
      name: 'timestamp.format',
      type: 'STRING',
      defaultValue: 'yyyyMMdd',
      importance: 'HIGH',
      documentation:
        'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.',
      validator: validDateFormat,
    });

  private topicFormat = `${TOPIC}-${TIMESTAMP}`;
  private timestampFormat = new SimpleDateFormat('yyyyMMdd');

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = TimestampRouter.CONFIG_DEF.parse(configs);
    this.topicFormat = parsed['topic.format'];
    this.timestampFormat = new SimpleDateFormat(parsed['timestamp.format']);
  }

  apply<R extends ConnectRecord>(record: R): R {
    if (record.timestamp === null)
      throw new DataException(`Timestamp missing on record: topic ${record.topic}`);
    const formatted = this.timestampFormat.format(record.timestamp);
    const topic = this.topicFormat.split(TOPIC).join(record.topic).split(TIMESTAMP).join(formatted);
    return { ...record, topic };
  }

  config(): ConfigDef {
    return TimestampRouter.CONFIG_DEF;
  }

  close(): void {}
}

/** Validates a SimpleDateFormat pattern config value. */
export function validDateFormat(_name: string, value: unknown): void {
  if (typeof value === 'string') new SimpleDateFormat(value);
}
