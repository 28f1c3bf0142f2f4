// Distributed `sluice connect` on `sluice server`'s own Kafka listener.
import { distributedConnectSuite } from './distributed-connect.fixture.js';

distributedConnectSuite('listener');
