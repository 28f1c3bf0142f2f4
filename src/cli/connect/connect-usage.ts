export const CONNECT_USAGE = `Usage: sluice connect [WORKER_PROPERTIES] [CONNECTOR_PROPERTIES ...] [options]

Runs a Kafka Connect worker: the Connect REST API (port 8083), the built-in connectors and the
connector packages on plugin.path (default ./sluice-plugins). Point a server at it with
ksql.connect.url=http://HOST:8083 (external mode); any Kafka Connect tool works against it too.

Where the worker keeps its topics (connector data, configs, offsets, statuses):
  on a Sluice server, named by bootstrap.servers (default http://localhost:8088), so the server's
  streams read what connectors write; or in a log of its own with --data-dir.

Worker properties come from WORKER_PROPERTIES (Kafka Connect's names), then CONNECT_* variables
(CONNECT_GROUP_ID sets group.id, as in Confluent's image), then the options below.
Each CONNECTOR_PROPERTIES file (name=…, connector.class=…, …) is created or updated at start.
The worker property sluice.authentication.password.file (a 'sluice passwd' file) makes the REST API
ask for those users, with their roles.

Options:
  --bootstrap-server URL  The Sluice server that holds the worker's topics (bootstrap.servers)
  --data-dir DIR          Keep the topics in this folder instead of on a server
  --port N                The REST API's port (listeners=http://0.0.0.0:N)
  -u, --user USER         User on a server with authentication.method=BASIC (default: $SLUICE_USER);
                          the developer role lets the worker read and write its topics there
  -p, --password PW       Its password (default: $SLUICE_PASSWORD). Without either, the worker
                          property sluice.server.credentials.file may name a file holding
                          username=… and password=…
  -h, --help              Show this help`;
