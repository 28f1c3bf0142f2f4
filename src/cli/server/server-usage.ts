// The help of `sluice server`, apart from the server's code so `sluice help server` loads nothing else.

export const SERVER_USAGE = `Usage: sluice server [--port N] [--kafka-port N] [--data-dir DIR] [--config FILE]
       sluice server stop [--data-dir DIR] [--timeout SECONDS]

Starts Sluice: the REST API (ksqlDB's) on port 8088, the embedded log (served to Kafka clients on
port 9092), and a Kafka Connect worker.

  --port N         The REST API's port (listeners=http://0.0.0.0:N)
  --kafka-port N   The port Kafka clients connect to (sluice.kafka.listeners=PLAINTEXT://127.0.0.1:N,
                   default 9092; set sluice.kafka.listeners empty to turn it off)
  --data-dir DIR   Where the log, the command topic and the connectors' state live
                   (sluice.data.dir, default ./sluice-data); one server per data dir
  --config FILE    A properties file (ksqlDB's names: listeners, ksql.service.id, …)

Settings: flag > environment > file > default. Environment variables map as in ksqlDB's Docker
image: KSQL_LISTENERS=http://0.0.0.0:8088 is listeners, KSQL_KSQL_SERVICE_ID is ksql.service.id.

Connectors: the server runs a Kafka Connect worker in its own process (embedded mode).
  KSQL_CONNECT_*            worker properties, as in ksqlDB's image: KSQL_CONNECT_GROUP_ID is
                            group.id, KSQL_CONNECT_PLUGIN_PATH plugin.path, KSQL_CONNECT_KEY_CONVERTER
                            key.converter; or a worker file named by ksql.connect.worker.config
  KSQL_CONNECT_LISTENERS    the worker's Kafka Connect REST API (default http://0.0.0.0:8083); a
                            port in use stops the start: set another (port 0 picks a free one)
  ksql.connect.url          set it (KSQL_KSQL_CONNECT_URL) to use an external Kafka Connect
                            cluster or 'sluice connect' instead (external mode); no worker runs here
Connector state (configs, offsets, statuses) lives in topics in the data dir.

Stopping: Ctrl-C, or SIGTERM to the server's process (kill PID), or 'sluice server stop' from
another terminal (the pid is in DIR/.lock; it waits for a clean stop). Started through npm
('npx sluice server &'), killing npm ('kill $!') stops the server too.`;
