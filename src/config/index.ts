export type { RawValue } from './coerce.js';
export { findServerProperty, PASS_THROUGH_PREFIXES, SERVER_PROPERTIES } from './definitions.js';
export {
  describeEffectiveConfig,
  isSecretProperty,
  maskConnectWorkerSecrets,
  maskSecrets,
} from './describe.js';
export { renderConfigurationReference, renderPropertiesTable } from './docs.js';
export {
  type Environment,
  type EnvironmentProperties,
  type EnvProperty,
  envSuffixToPropertyName,
  envVarForConnectProperty,
  envVarForServerProperty,
  javaSystemProperties,
  propertiesFromEnvironment,
} from './env.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export {
  type EffectiveProperty,
  type FlagValue,
  loadServerConfig,
  ServerConfig,
  type ServerConfigSources,
  type ValueSource,
} from './load.js';
export { HIDDEN, Password } from './password.js';
export {
  type PropertiesFile,
  type PropertyEntry,
  parseProperties,
  propertiesToRecord,
  readPropertiesFile,
} from './properties-file.js';
export type {
  DerivedDefault,
  Importance,
  PropertyDefinition,
  PropertyType,
  PropertyValue,
  Validator,
  ValueOfType,
} from './property.js';
export { closestName } from './suggest.js';
