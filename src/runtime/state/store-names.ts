/**
 * Names of a persistent query's internal topics, spelled as ksqlDB spells them (its QueryApplicationId
 * and Kafka Streams' `<application id>-<store>-changelog`), so tools that know ksqlDB's topics recognise ours.
 */

/** ksqlDB's default `ksql.persistent.query.name.prefix`. */
export const DEFAULT_QUERY_NAME_PREFIX = 'query_';

/**
 * `_confluent-ksql-` + service id + prefix + query id, with no separators:
 * `_confluent-ksql-default_query_CTAS_OUTPUT_0` for service id `default_`.
 */
export function queryApplicationId(
  serviceId: string,
  queryId: string,
  prefix: string = DEFAULT_QUERY_NAME_PREFIX,
): string {
  return `_confluent-ksql-${serviceId}${prefix}${queryId}`;
}

/** The changelog topic of one state store: `<application id>-<store>-changelog`. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}
