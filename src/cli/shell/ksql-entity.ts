import type { KsqlEntity, Warning } from '../../rest-model/index.js';

/*
 * The shell reads the server's answers through the REST model the server builds them with
 * (src/rest-model/): one typed definition of every entity, error body and streamed row.
 */
export type {
  CurrentStatusEntity,
  FieldInfo,
  FunctionArgument,
  FunctionDescriptionEntity,
  KsqlEntity,
  QueryDescription,
  QueryStreamHeader,
  RunningQuery,
  SchemaInfo,
  SourceDescription,
  SourceInfo,
} from '../../rest-model/index.js';
export { isKnownEntity, isQueryStreamHeader } from '../../rest-model/index.js';

/**
 * An entity of a type the model does not know: another server's (ksqlDB's assert_topic, say). The
 * shell shows it as JSON rather than nothing; Sluice's own entities are all known (a contract test
 * runs every statement kind through the server and the renderer).
 */
export interface UnknownEntity {
  readonly '@type': string;
  readonly statementText?: string;
  readonly warnings?: readonly Warning[];
}

/** What a server's /ksql answer holds. */
export type ServerEntity = KsqlEntity | UnknownEntity;

/**
 * A failed request as the shell reports it: ksqlDB's error body, or the message the shell made of
 * an answer that was none (an HTTP error page, a Connect-style body).
 */
export interface ServerErrorBody {
  readonly message: string;
  /** The entities of the statements that ran before the failing one. */
  readonly entities?: readonly ServerEntity[];
}

/** Any JSON object with a message: ksqlDB's bodies, and older or foreign servers' error bodies. */
export function isServerErrorBody(body: unknown): body is ServerErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as { message?: unknown }).message === 'string'
  );
}
