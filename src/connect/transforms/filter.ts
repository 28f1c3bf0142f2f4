import { ConfigDef, type ConnectRecord, type Transformation } from '../api/index.js';

/** org.apache.kafka.connect.transforms.Filter: drops every record it is applied to (use it with a predicate). */
export class Filter implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef();

  configure(_configs: Readonly<Record<string, string>>): void {}

  apply(_record: ConnectRecord): null {
    return null;
  }

  config(): ConfigDef {
    return Filter.CONFIG_DEF;
  }

  close(): void {}
}
