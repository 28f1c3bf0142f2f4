import { ConfigDef, Validators } from '../api/index.js';

/** The keys every connector takes (Kafka Connect's ConnectorConfig), validated before the connector's own. */
export function commonConnectorConfig(kind: 'source' | 'sink'): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: 'name',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Globally unique name to use for this connector.',
      group: 'Common',
      validator: Validators.nonEmptyString(),
    })
    .define({
      name: 'connector.class',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Name or alias of the class for this connector.',
      group: 'Common',
    })
    .define({
      name: 'tasks.max',
      type: 'INT',
      defaultValue: 1,
      importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.',
      group: 'Common',
      validator: Validators.atLeast(1),
    })
    .define({
      name: 'key.converter',
      type: 'CLASS',
      defaultValue: null,
      importance: 'LOW',
      documentation: "Converter class for keys; overrides the worker's.",
      group: 'Common',
    })
    .define({
      name: 'value.converter',
      type: 'CLASS',
      defaultValue: null,
      importance: 'LOW',
      documentation: "Converter class for values; overrides the worker's.",
      group: 'Common',
    })
    .define({
      name: 'transforms',
      type: 'LIST',
      defaultValue: [],
      importance: 'LOW',
      documentation: 'Aliases for the transformations to apply to records.',
      group: 'Transforms',
    })
    .define({
      name: 'predicates',
      type: 'LIST',
      defaultValue: [],
      importance: 'LOW',
      documentation: 'Aliases for the predicates used by transformations.',
      group: 'Predicates',
    })
    .define({
      name: 'errors.retry.timeout',
      type: 'LONG',
      defaultValue: 0,
      importance: 'MEDIUM',
      documentation: 'Maximum ms to retry a failed operation; -1 retries forever.',
      group: 'Error Handling',
      validator: Validators.atLeast(-1),
    })
    .define({
      name: 'errors.retry.delay.max.ms',
      type: 'LONG',
      defaultValue: 60_000,
      importance: 'MEDIUM',
      documentation: 'Maximum ms between retries.',
      group: 'Error Handling',
      validator: Validators.atLeast(1),
    })
    .define({
      name: 'errors.tolerance',
      type: 'STRING',
      defaultValue: 'none',
      importance: 'MEDIUM',
      documentation: 'none fails the task on the first error; all skips problematic records.',
      group: 'Error Handling',
      validator: Validators.oneOfIgnoringCase('none', 'all'),
    })
    .define({
      name: 'errors.log.enable',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation: 'Log every error and its context.',
      group: 'Error Handling',
    })
    .define({
      name: 'errors.log.include.messages',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation: 'Include the record in error logs.',
      group: 'Error Handling',
    });
  if (kind === 'sink') {
    def
      .define({
        name: 'topics',
        type: 'LIST',
        defaultValue: [],
        importance: 'HIGH',
        documentation: 'Topics to consume; use this or topics.regex.',
        group: 'Common',
      })
      .define({
        name: 'topics.regex',
        type: 'STRING',
        defaultValue: '',
        importance: 'HIGH',
        documentation: 'Regular expression of topics to consume; use this or topics.',
        group: 'Common',
      })
      .define({
        name: 'errors.deadletterqueue.topic.name',
        type: 'STRING',
        defaultValue: '',
        importance: 'MEDIUM',
        documentation: 'Topic for records that could not be processed.',
        group: 'Error Handling',
      })
      .define({
        name: 'errors.deadletterqueue.topic.replication.factor',
        type: 'SHORT',
        defaultValue: 3,
        importance: 'LOW',
        documentation: 'Replication factor of the dead-letter topic (recorded; one copy here).',
        group: 'Error Handling',
      })
      .define({
        name: 'errors.deadletterqueue.context.headers.enable',
        type: 'BOOLEAN',
        defaultValue: false,
        importance: 'MEDIUM',
        documentation: 'Add headers with the error context to dead-lettered records.',
        group: 'Error Handling',
      });
  } else {
    def.define({
      name: 'topic.creation.default.partitions',
      type: 'INT',
      defaultValue: 1,
      importance: 'LOW',
      documentation: 'Partitions of topics the connector writes that do not exist yet.',
      group: 'Topic Creation',
      validator: Validators.atLeast(1),
    });
  }
  return def;
}
