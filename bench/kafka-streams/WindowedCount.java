// Sluice's q5-like windowed count (HOPPING 10 s / ADVANCE 2 s, COUNT per key) as a Kafka Streams
// application, the baseline of bench/kafka-streams.ts. Records arrive keyed by the grouping column, so
// groupByKey needs no repartition topic (Sluice's single task needs none either); each JSON value is
// parsed with Jackson, as ksqlDB's JSON serde does. Settings are ksqlDB's defaults: one stream thread,
// at_least_once, commit.interval.ms 2000, a 10 MB record cache.
// Args: bootstrap input-topic output-topic record-count state-dir application-id
// Prints one line "first_ms=F processed_ms=P committed_ms=C" (from KafkaStreams#start, so JVM start is
// excluded): F when the first record has been read (group joined, task and its RocksDB store opened),
// P when the Nth record has been read (its count follows at once, on the same thread), C when the group's committed offset of the input
// reaches N (the cache flushed to the output topic and the store, then the offsets committed).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

public final class WindowedCount {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], input = args[1], output = args[2];
    long records = Long.parseLong(args[3]);
    String stateDir = args[4], appId = args[5];

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 2000);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10L * 1024 * 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    ObjectMapper json = new ObjectMapper();
    AtomicLong seen = new AtomicLong();
    AtomicLong processedAt = new AtomicLong();
    AtomicLong firstAt = new AtomicLong();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(
            v -> {
              try {
                JsonNode row = json.readTree(v);
                return row.get("CUSTOMER").asText();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            })
        .peek(
            (k, v) -> {
              long n = seen.incrementAndGet();
              if (n == 1) firstAt.set(System.nanoTime());
              if (n == records) processedAt.set(System.nanoTime());
            })
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofHours(24)).advanceBy(Duration.ofSeconds(2)))
        .count()
        .toStream()
        .map((k, n) -> KeyValue.pair(k.key() + "@" + k.window().start(), "{\"N\":" + n + "}"))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          e.printStackTrace();
          System.exit(2);
          return null;
        });

    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    TopicPartition tp = new TopicPartition(input, 0);
    try (Admin admin = Admin.create(adminProps)) {
      long start = System.nanoTime();
      streams.start();
      long committedAt;
      for (; ; ) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata at = offsets.get(tp);
        if (at != null && at.offset() >= records) {
          committedAt = System.nanoTime();
          break;
        }
        if (streams.state() == KafkaStreams.State.ERROR) throw new IllegalStateException("Kafka Streams failed");
        Thread.sleep(20);
      }
      System.out.println(
          "first_ms=" + (firstAt.get() - start) / 1_000_000 + " processed_ms=" + (processedAt.get() - start) / 1_000_000 + " committed_ms=" + (committedAt - start) / 1_000_000);
    } finally {
      streams.close(Duration.ofSeconds(30));
    }
  }
}
