/*
 * The Log over Apache Kafka (bootstrap.servers).
 */
export { KafkaLog, type KafkaLogOptions } from './kafka-log.js';
