import type { Password } from './password.js';

/** The value types a property can have; the names follow Kafka's ConfigDef. */
export type PropertyType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password' | 'class';

export type Importance = 'high' | 'medium' | 'low';

/** A property's value after parsing: what each type becomes in TypeScript. */
export interface ValueOfType {
  string: string;
  int: number;
  long: number;
  double: number;
  boolean: boolean;
  list: readonly string[];
  password: Password;
  class: string;
}

export type PropertyValue = ValueOfType[PropertyType];

/** Checks a parsed value; `describe` reads well after "Valid values: " in the docs. */
export interface Validator {
  readonly describe: string;
  /** Returns what is wrong with the value, or undefined when it is fine. */
  check(value: PropertyValue): string | undefined;
}

/**
 * A default computed from other properties, e.g. the processing-log topic name from the service
 * id. It may only read properties whose own default is not derived.
 */
export interface DerivedDefault {
  readonly describe: string;
  compute(lookup: (name: string) => PropertyValue | undefined): PropertyValue | undefined;
}

export interface PropertyDefinition {
  readonly name: string;
  /** The docs section it is listed under. */
  readonly group: string;
  readonly type: PropertyType;
  /** `undefined` means the property has no value unless someone sets it. */
  readonly default: PropertyValue | DerivedDefault | undefined;
  readonly doc: string;
  readonly importance: Importance;
  readonly validator?: Validator;
  /**
   * Set when Sluice does not do what the property asks yet: the reason. Only the default value is
   * accepted; any other is refused at start, so no setting is silently ignored (a security setting
   * ignored would fail open).
   */
  readonly notSupported?: string;
}

export function isDerivedDefault(value: PropertyDefinition['default']): value is DerivedDefault {
  return typeof value === 'object' && value !== null && 'compute' in value && 'describe' in value;
}
