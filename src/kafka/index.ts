export {
  type KafkaListenerOptions,
  parseKafkaListener,
  type RunningKafkaListener,
  startKafkaListener,
} from './broker/kafka-listener.js';
