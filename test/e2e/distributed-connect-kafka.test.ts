// Distributed `sluice connect` on a real Apache Kafka 4.1 broker, the server's topics there too.
import { distributedConnectSuite } from './distributed-connect.fixture.js';

distributedConnectSuite('kafka');
