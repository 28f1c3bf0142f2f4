import type { ConfigDef, ConnectorPlugin, Converter, SourceRecord } from '../api/index.js';
import {
  isPredicateClass,
  isTransformationClass,
  predicateByClass,
  transformationByClass,
} from '../transforms/index.js';

export type { ConnectorPlugin };

/** Kafka Connect's PluginInfo, as GET /connector-plugins lists it. */
export interface PluginInfo {
  readonly class: string;
  readonly type: string;
  readonly version?: string;
}

/** Applies a connector's transformation chain; null drops the record. */
export type RecordTransformer = <R extends SourceRecord | import('../api/index.js').SinkRecord>(
  record: R,
) => R | null;

export interface TransformChainFactory {
  /** Builds the chain a connector config names (`transforms`, `predicates`); throws listing every problem. */
  build(config: Readonly<Record<string, string>>): RecordTransformer;
  /** Problems of a chain config, by full key, without building it. */
  validate(config: Readonly<Record<string, string>>): { key: string; message: string }[];
  list(): PluginInfo[];
}

export interface ConverterFactory {
  /** A new converter of this class; throws naming the class when there is none. */
  create(className: string): Converter;
  list(): PluginInfo[];
}

/** The classes this worker knows, found by full name, simple name, or simple name without "Connector". */
export class PluginRegistry {
  private readonly connectors = new Map<string, ConnectorPlugin>();
  readonly converters: ConverterFactory;
  readonly transforms: TransformChainFactory;

  constructor(converters: ConverterFactory, transforms: TransformChainFactory) {
    this.converters = converters;
    this.transforms = transforms;
  }

  register(plugin: ConnectorPlugin): void {
    this.connectors.set(plugin.className, plugin);
  }

  findConnector(name: string): ConnectorPlugin | undefined {
    const exact = this.connectors.get(name);
    if (exact !== undefined) return exact;
    for (const p of this.connectors.values()) {
      const simple = p.className.slice(p.className.lastIndexOf('.') + 1);
      if (simple === name || simple.replace(/Connector$/, '') === name) return p;
    }
    return undefined;
  }

  connectorPlugins(): PluginInfo[] {
    return [...this.connectors.values()]
      .map((p) => ({ class: p.className, type: p.type, version: p.version }))
      .sort((a, b) => (a.class < b.class ? -1 : 1));
  }

  /**
   * The config definition of a converter, transformation or predicate, by class name or alias
   * (GET /connector-plugins/{plugin}/config); undefined when there is no such plugin.
   */
  pluginConfigDef(className: string): ConfigDef | undefined {
    const known = this.converters
      .list()
      .find((p) => p.class === className || simpleName(p.class) === className);
    if (known !== undefined) {
      try {
        return this.converters.create(known.class).config();
      } catch {
        return undefined;
      }
    }
    if (isTransformationClass(className)) return transformationByClass(className).config();
    if (isPredicateClass(className)) return predicateByClass(className).config();
    return undefined;
  }

  allPlugins(): PluginInfo[] {
    return [...this.connectorPlugins(), ...this.converters.list(), ...this.transforms.list()];
  }
}

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}
