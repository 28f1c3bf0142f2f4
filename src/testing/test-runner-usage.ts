// Kept apart from the runner so that `sluice help` does not load the engine.
export const TEST_RUNNER_USAGE = `Usage: sluice test-runner --sql-file FILE [--input-file FILE] --output-file FILE

Runs the SQL statements on a throwaway embedded log, feeds the input records, waits for the queries
and compares every record of the expected topics with the output file, as ksqlDB's ksql-test-runner.

Options:
  -s, --sql-file FILE     The statements to test (CREATE STREAM/TABLE, CREATE … AS SELECT, INSERT …)
  -i, --input-file FILE   {"inputs": [{"topic", "key", "value", "timestamp", "headers"}, …]}
  -o, --output-file FILE  {"outputs": [{"topic", "key", "value", "timestamp", "headers", "window"}, …]}
  -h, --help              Show this help

Exit status: 0 when the test passes, 1 when it fails, 2 when called wrongly.`;
