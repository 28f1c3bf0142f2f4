// A registered PROTOBUF schema compiled for the formats: the `.proto` text and the texts it imports
// (the schema's references, else the imports Confluent's registry knows without them) parsed with
// protobufjs into one Root; its messages found by Confluent's message indexes or by full name.
import protobuf from 'protobufjs';
import { FormatSchemaError } from './serde-error.js';

/**
 * The imports Confluent's Schema Registry and serializers know without references, beside
 * google/protobuf/*: ksqlDB's DATE, TIME and DECIMAL map to them. `confluent/meta.proto` is given
 * here without its `extend google.protobuf.*Options` blocks, which only name the option readers
 * find by its `(confluent.field_meta)` name.
 */
export const PROTOBUF_BUILTIN_IMPORTS: ReadonlyMap<string, string> = new Map([
  [
    'google/type/date.proto',
    'syntax = "proto3";\npackage google.type;\n\nmessage Date {\n  int32 year = 1;\n  int32 month = 2;\n  int32 day = 3;\n}\n',
  ],
  [
    'google/type/timeofday.proto',
    'syntax = "proto3";\npackage google.type;\n\nmessage TimeOfDay {\n  int32 hours = 1;\n  int32 minutes = 2;\n  int32 seconds = 3;\n  int32 nanos = 4;\n}\n',
  ],
  [
    'confluent/type/decimal.proto',
    'syntax = "proto3";\npackage confluent.type;\n\nmessage Decimal {\n  bytes value = 1;\n  uint32 precision = 2;\n  int32 scale = 3;\n}\n',
  ],
  [
    'confluent/meta.proto',
    'syntax = "proto3";\npackage confluent;\n\nmessage Meta {\n  string doc = 1;\n  map<string, string> params = 2;\n  repeated string tags = 3;\n}\n',
  ],
]);

/** An import a schema may name without a reference: google/protobuf/*, or one of the above. */
export function builtinProtobufImport(name: string): protobuf.INamespace['nested'] | string | undefined {
  const text = PROTOBUF_BUILTIN_IMPORTS.get(name);
  if (text !== undefined) return text;
  if (!/^google\/protobuf\/[a-z_]+\.proto$/.test(name)) return undefined;
  const common = protobuf.common.get(name) as { nested?: protobuf.INamespace['nested'] } | null;
  return common?.nested ?? undefined;
}

export interface ProtobufReferenceText {
  readonly name: string;
  readonly schema: string;
}

export interface CompiledProtobufSchema {
  readonly root: protobuf.Root;
  /** The file's top-level messages in declaration order (what message index 0, 1, … name). */
  readonly messages: readonly protobuf.Type[];
  /** The message the indexes name, or undefined when there is none. */
  byIndexes(indexes: readonly number[]): protobuf.Type | undefined;
  /** The message with this full name (a leading `.` optional), or the first when undefined. */
  byName(fullName: string | undefined): protobuf.Type | undefined;
  /** The message-index path of one of the file's messages. */
  indexesOf(type: protobuf.Type): number[];
}

function nestedTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}

/** Parses a schema and what it imports; throws a FormatSchemaError saying what is wrong. */
export function compileProtobufSchema(
  text: string,
  references: readonly ProtobufReferenceText[] = [],
): CompiledProtobufSchema {
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const load = (source: string, what: string): protobuf.IParserResult => {
    let parsed: protobuf.IParserResult;
    try {
      parsed = protobuf.parse(source, root, { keepCase: true, alternateCommentMode: true });
    } catch (err) {
      throw new FormatSchemaError(`${what} is not a valid Protobuf schema: ${(err as Error).message}`);
    }
    for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      if (loaded.has(name)) continue;
      loaded.add(name);
      const ref = references.find((r) => r.name === name);
      if (ref !== undefined) {
        load(ref.schema, `The referenced schema ${name}`);
        continue;
      }
      const builtin = builtinProtobufImport(name);
      if (builtin === undefined)
        throw new FormatSchemaError(
          `${what} imports ${name}, which is neither a well-known type nor one of the schema's references`,
        );
      if (typeof builtin === 'string') load(builtin, name);
      else root.addJSON(builtin);
    }
    return parsed;
  };
  const main = load(text, 'The schema');
  try {
    root.resolveAll();
  } catch (err) {
    throw new FormatSchemaError(`The Protobuf schema does not resolve: ${(err as Error).message}`);
  }
  const pkg = main.package === undefined || main.package === '' ? root : root.lookup(main.package);
  const messages = pkg instanceof protobuf.Namespace || pkg instanceof protobuf.Root ? nestedTypes(pkg) : [];
  if (messages.length === 0) throw new FormatSchemaError('The Protobuf schema defines no message');
  return {
    root,
    messages,
    byIndexes(indexes) {
      let type: protobuf.Type | undefined = messages[indexes[0]];
      for (let i = 1; i < indexes.length && type !== undefined; i++) type = nestedTypes(type)[indexes[i]];
      return type;
    },
    byName(fullName) {
      if (fullName === undefined) return messages[0];
      const found = root.lookup(fullName.startsWith('.') ? fullName : `.${fullName}`);
      if (found instanceof protobuf.Type) return found;
      // Confluent matches a name without its package too.
      return messages.find((m) => m.name === fullName);
    },
    indexesOf(type) {
      const path: number[] = [];
      let at: protobuf.ReflectionObject | null = type;
      while (at instanceof protobuf.Type) {
        const parent: protobuf.NamespaceBase | null = at.parent;
        if (parent === null) break;
        const siblings = parent instanceof protobuf.Type ? nestedTypes(parent) : messages;
        path.unshift(siblings.indexOf(at));
        if (!(parent instanceof protobuf.Type)) break;
        at = parent;
      }
      return path;
    },
  };
}

/** A message's full name without the leading dot. */
export function protobufFullName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}
