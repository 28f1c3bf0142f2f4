// The connector API's config declarations are Sluice's one declaration model (src/config), so a
// connector's keys validate, parse, mask and document exactly as server and worker properties do.
export {
  ConfigDef,
  ConfigException,
  type ConfigKey,
  type ConfigType,
  type ConfigValue,
  type ConfigValueType,
  enumValue,
  HIDDEN,
  type Importance,
  type ParsedConfig,
  Password,
  type Recommender,
  type Validator,
  type ValidatorFunction,
  Validators,
  type ValueOfType,
  type Width,
} from '../../config/index.js';
