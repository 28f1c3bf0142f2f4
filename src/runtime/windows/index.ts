export {
  ClosedSessions,
  type Session,
  type SessionAggregation,
  SessionMerger,
  type SessionUpdate,
} from './session-windows.js';
export {
  type AssignedWindow,
  ClosedTimeWindows,
  type TimeWindow,
  TimeWindowAssigner,
  timeWindowsFor,
} from './time-windows.js';
export {
  durationMs,
  type EmitMode,
  parseWindowSize,
  resolveWindow,
  type WindowSpec,
  WindowSpecError,
} from './window-spec.js';
export {
  deserializeSessionWindowedKey,
  deserializeTimeWindowedKey,
  serializeSessionWindowedKey,
  serializeTimeWindowedKey,
  type WindowBounds,
  WindowedKeyError,
} from './windowed-keys.js';
