#!/usr/bin/env bash
# Installs the independent Kafka clients the Kafka listener's tests run against, when missing:
#   kcat (librdkafka) from Debian, kafka-python and confluent-kafka from PyPI into a venv, and Apache
#   Kafka's Java clients and tools from Maven Central into one classpath folder, and a real Apache Kafka
#   broker (kafka_2.13) into another, for the Kafka backend's tests, and plugins for the real Kafka Connect
#   worker (Debezium's PostgreSQL connector, Kafka's basic-auth REST extension), one folder each under
#   connect-plugins/, and Kafka Streams for the windowed-count benchmark (bench/kafka-streams.ts).
# Idempotent and quick when everything is there. A peer that cannot be installed is reported here and
# its tests are skipped with a message naming it; this script itself never fails the test run.
# Where things go: $SLUICE_PEERS_DIR (default ~/.cache/sluice), where test/e2e/kafka-peers.fixture.ts
# finds them.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${SLUICE_PEERS_DIR:-$HOME/.cache/sluice}"
mkdir -p "$cache"
log="$cache/test-peers.log"
: >"$log"

say() { echo "test-peers: $*"; }

# kcat from Debian.
if ! command -v kcat >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing kcat (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat) >>"$log" 2>&1 ||
      say "kcat could not be installed (see $log); its tests will be skipped"
  else
    say "kcat missing and no apt-get; its tests will be skipped"
  fi
fi

# kafka-python and confluent-kafka in a venv of their own, with confluent-kafka's Schema Registry
# client and its Avro and Protobuf serializers (the avro, protobuf and schemaregistry extras).
venv="$cache/python"
if ! "$venv/bin/python" -c 'import kafka, confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf' >/dev/null 2>&1; then
  say "installing kafka-python and confluent-kafka (pip, into $venv)"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q kafka-python==3.0.12 'confluent-kafka[avro,protobuf,schemaregistry]==2.16.1'; } >>"$log" 2>&1 ||
    say "the Python clients could not be installed (see $log); their tests will be skipped"
fi

# Apache Kafka's Java clients and tools.
jars="$cache/kafka-jars"
stamp="$jars/.complete-$(sha1sum "$here/pom.xml" | cut -c1-12)"
if [ ! -e "$stamp" ]; then
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    say "copying Apache Kafka's Java clients and tools (mvn, into $jars)"
    rm -rf "$jars"
    if mvn -q -B -f "$here/pom.xml" -Dmaven.repo.local="$cache/maven" dependency:copy-dependencies \
      -DoutputDirectory="$jars" >>"$log" 2>&1; then
      touch "$stamp"
    else
      say "the Kafka jars could not be copied (see $log); the Java tools' tests will be skipped"
    fi
  else
    say "mvn or java missing; the Java tools' tests will be skipped"
  fi
fi

# A real Apache Kafka broker (KRaft), in a folder of its own: the tools' classpath stays as it is.
broker="$cache/kafka-broker-jars"
stamp="$broker/.complete-$(sha1sum "$here/broker-pom.xml" | cut -c1-12)"
if [ ! -e "$stamp" ]; then
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    say "copying Apache Kafka's broker (mvn, into $broker)"
    rm -rf "$broker"
    if mvn -q -B -f "$here/broker-pom.xml" -Dmaven.repo.local="$cache/maven" dependency:copy-dependencies \
      -DoutputDirectory="$broker" >>"$log" 2>&1; then
      touch "$stamp"
    else
      say "the Kafka broker's jars could not be copied (see $log); the Kafka backend's tests will be skipped"
    fi
  else
    say "mvn or java missing; the Kafka backend's tests will be skipped"
  fi
fi
# Kafka Streams (with its rocksdbjni) for bench/kafka-streams.ts, in a folder of its own.
streams="$cache/kafka-streams-jars"
stamp="$streams/.complete-$(sha1sum "$here/streams-pom.xml" | cut -c1-12)"
if [ ! -e "$stamp" ]; then
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    say "copying Kafka Streams (mvn, into $streams)"
    rm -rf "$streams"
    if mvn -q -B -f "$here/streams-pom.xml" -Dmaven.repo.local="$cache/maven" dependency:copy-dependencies \
      -DoutputDirectory="$streams" >>"$log" 2>&1; then
      touch "$stamp"
    else
      say "Kafka Streams could not be copied (see $log); its benchmark will be skipped"
    fi
  else
    say "mvn or java missing; the Kafka Streams benchmark will be skipped"
  fi
fi
# Plugins for the real Connect worker, one folder each (its plugin.path, or its classpath for the REST
# extension). Kafka's own jars are left out of Debezium's folder: the worker supplies its Connect API.
plugin() { # NAME POM EXTRA-MVN-ARGS…
  local name="$1" pom="$here/$2"
  shift 2
  local dest="$cache/connect-plugins/$name"
  local stamp="$dest/.complete-$(sha1sum "$pom" | cut -c1-12)"
  [ -e "$stamp" ] && return
  if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    say "copying the Connect plugin $name (mvn, into $dest)"
    rm -rf "$dest"
    if mvn -q -B -f "$pom" -Dmaven.repo.local="$cache/maven" dependency:copy-dependencies \
      -DoutputDirectory="$dest" "$@" >>"$log" 2>&1; then
      touch "$stamp"
    else
      say "the Connect plugin $name could not be copied (see $log); its tests will be skipped"
    fi
  else
    say "mvn or java missing; the tests of the Connect plugin $name will be skipped"
  fi
}
plugin debezium-postgres debezium-pom.xml -DexcludeGroupIds=org.apache.kafka
plugin basic-auth basic-auth-pom.xml -DexcludeTransitive=true
exit 0
