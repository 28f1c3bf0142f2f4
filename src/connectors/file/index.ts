import { FileStreamSinkConnector } from './file-stream-sink.js';
import { FileStreamSourceConnector } from './file-stream-source.js';

/** The FileStream connectors, under Kafka's class names. */
export const plugins = [
  {
    className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    type: 'source' as const,
    version: '1.0.0',
    create: () => new FileStreamSourceConnector(),
  },
  {
    className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    type: 'sink' as const,
    version: '1.0.0',
    create: () => new FileStreamSinkConnector(),
  },
];
