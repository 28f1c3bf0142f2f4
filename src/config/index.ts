export type { RawValue } from './coerce.js';
export {
  ConfigDef,
  ConfigException,
  type ConfigKey,
  type ConfigKeyOf,
  type ConfigType,
  type ConfigValue,
  type ConfigValueType,
  type DefaultOfType,
  type DerivedDefault,
  defaultOf,
  enumValue,
  type Importance,
  isPasswordKey,
  type ParsedConfig,
  type ParsedOf,
  type PropertyValue,
  type Recommender,
  shownValue,
  type Validator,
  type ValidatorFunction,
  type ValueOfType,
  validatorDescription,
  validatorProblem,
  type Width,
} from './config-def.js';
export { findServerProperty, PASS_THROUGH_PREFIXES, SERVER_PROPERTIES } from './definitions.js';
export {
  describeEffectiveConfig,
  isSecretProperty,
  maskConnectWorkerSecrets,
  maskSecrets,
} from './describe.js';
export { byGroup, type EnvVarFor, renderConfigurationReference, renderPropertiesTable } from './docs.js';
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
  type KeyMaterial,
  KeyStoreError,
  type KeyStoreSettings,
  readKeyStore,
  readTrustStore,
  type TrustStoreSettings,
} from './key-stores.js';
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
export {
  isSecret,
  isSecretKey,
  type KeyDeclarations,
  maskedConfig,
  maskedValue,
  maskUrlCredentials,
  secretKeys,
} from './secrets.js';
export { closestName } from './suggest.js';
export { Validators } from './validators.js';
export {
  unknownWorkerKeys,
  WITHOUT_EFFECT_GROUP,
  WORKER_CONFIG_DEF,
  WORKER_KEY_PREFIXES,
  WORKER_PREFIXES_WITHOUT_EFFECT,
} from './worker-properties.js';
