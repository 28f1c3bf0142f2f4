/**
 * Confluent's subject name strategies (key.subject.name.strategy / value.subject.name.strategy):
 * TopicNameStrategy `<topic>-key|value`, RecordNameStrategy `<record full name>`,
 * TopicRecordNameStrategy `<topic>-<record full name>`.
 */
export type SubjectNameStrategy = (topic: string, isKey: boolean, recordName: string | undefined) => string;

const PACKAGE = 'io.confluent.kafka.serializers.subject.';

const STRATEGIES: Readonly<Record<string, SubjectNameStrategy>> = {
  TopicNameStrategy: (topic, isKey) => `${topic}-${isKey ? 'key' : 'value'}`,
  RecordNameStrategy: (_topic, isKey, recordName) => recordName ?? notARecord('RecordNameStrategy', isKey),
  TopicRecordNameStrategy: (topic, isKey, recordName) =>
    `${topic}-${recordName ?? notARecord('TopicRecordNameStrategy', isKey)}`,
};

function notARecord(strategy: string, isKey: boolean): never {
  const side = isKey ? 'key' : 'value';
  throw new Error(
    `In configuration ${side}.subject.name.strategy = ${strategy}, the message ${side} must only be a record schema`,
  );
}

/** The strategy a class name (or its simple name) stands for; throws naming the ones there are. */
export function subjectNameStrategy(className: string): SubjectNameStrategy {
  const name = className.trim();
  const simple = name.startsWith(PACKAGE) ? name.slice(PACKAGE.length) : name;
  const found = STRATEGIES[simple];
  if (found === undefined)
    throw new Error(
      `Subject name strategy ${className} could not be found: use ${Object.keys(STRATEGIES)
        .map((s) => PACKAGE + s)
        .join(', ')}`,
    );
  return found;
}
