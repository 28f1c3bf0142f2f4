import { ConfigDef, Validators } from '../../connect/api/index.js';

export const DEFAULTS = {
  throttleMs: 0,
  matchingRate: 0.1,
  historyMax: 1_000_000,
} as const;

/**
 * The fixed keys. Everything else Voluble reads (genkp.*, genv.*, attrk.*, topic.*) is a key
 * pattern, checked by `volubleConfigProblems`, which the connector's `validate` adds to these.
 */
export const VOLUBLE_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'global.throttle.ms',
    type: 'LONG',
    defaultValue: DEFAULTS.throttleMs,
    importance: 'MEDIUM',
    documentation:
      'Least milliseconds between two records of one topic; topic.<t>.throttle.ms overrides it per topic.',
    validator: Validators.atLeast(0),
  })
  .define({
    name: 'global.matching.rate',
    type: 'DOUBLE',
    defaultValue: DEFAULTS.matchingRate,
    importance: 'LOW',
    documentation:
      'Probability that a .sometimes generator copies a matched value instead of generating one.',
  })
  .define({
    name: 'global.history.records.max',
    type: 'LONG',
    defaultValue: DEFAULTS.historyMax,
    importance: 'LOW',
    documentation: 'Records retained per topic for matching; the oldest are dropped first.',
    validator: Validators.atLeast(1),
  })
  .define({
    name: 'global.seed',
    type: 'LONG',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'Sluice extension: seeds every random choice, so a config produces the same records each run ' +
      '(task i uses seed + i). Unset: different data every run, as upstream Voluble.',
  });
