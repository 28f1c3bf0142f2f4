import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { builtinProtobufImport } from '../serde/index.js';

/**
 * PROTOBUF schemas as the registry keeps them: `.proto` text (or, as confluent-kafka's Python
 * serializer sends it, a base64 FileDescriptorProto), parsed with protobufjs into one Root with the
 * schemas it references (by import name) and the well-known google/protobuf imports, every type
 * resolved; stored as `.proto` text re-rendered in one canonical layout (so the text and descriptor
 * forms of a schema, or two spacings of it, get one id), and answered as a FileDescriptorProto for
 * `?format=serialized`.
 */
export interface ParsedProtobufSchema {
  readonly canonical: string;
  /** The schema's own definitions (package, messages), for compatibility checks and names. */
  readonly file: ProtoFile;
  /** The main file as a base64 FileDescriptorProto. */
  serialized(): string;
}

export interface ProtoFile {
  readonly syntax: 'proto2' | 'proto3';
  readonly package: string;
  readonly imports: readonly string[];
  readonly root: protobuf.Root;
}

export interface ProtoReference {
  readonly name: string;
  readonly schema: string;
}

/** Throws an Error naming what is wrong when `text` is not a valid schema with these references. */
export function parseProtobufSchema(
  text: string,
  references: readonly ProtoReference[],
): ParsedProtobufSchema {
  const main = readFile(text);
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const load = (file: ProtoFile, via: string): void => {
    for (const name of file.imports) {
      if (loaded.has(name)) continue;
      loaded.add(name);
      const ref = references.find((r) => r.name === name);
      if (ref !== undefined) {
        const imported = readFile(ref.schema);
        load(imported, name);
        mergeInto(root, imported.root);
        continue;
      }
      // As Confluent's registry: google/protobuf/*, google/type/date|timeofday and confluent/meta,
      // confluent/type/decimal are known without references.
      const builtin = builtinProtobufImport(name);
      if (builtin === undefined)
        throw new Error(
          `${via} imports ${name}, which is neither a well-known type nor one of the request's references`,
        );
      if (typeof builtin === 'string') {
        const imported = readFile(builtin);
        load(imported, name);
        mergeInto(root, imported.root);
      } else root.addJSON(builtin);
    }
  };
  load(main, 'the schema');
  mergeInto(root, main.root);
  root.resolveAll();
  const canonical = printProto(main);
  return {
    canonical,
    file: main,
    serialized: () => serializedFile(root, main),
  };
}

/** `.proto` text, or a base64 FileDescriptorProto. */
function readFile(text: string): ProtoFile {
  let textError: Error;
  try {
    const parsed = protobuf.parse(text, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
    const syntax = /^\s*syntax\s*=\s*["']proto3["']/m.test(text) ? 'proto3' : 'proto2';
    return { syntax, package: parsed.package ?? '', imports: parsed.imports ?? [], root: parsed.root };
  } catch (err) {
    textError = err as Error;
  }
  const trimmed = text.trim();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && trimmed.length % 4 === 0) {
    try {
      const file = descriptor.FileDescriptorProto.decode(Buffer.from(trimmed, 'base64')) as unknown as {
        package?: string;
        dependency?: string[];
        syntax?: string;
      };
      const root = fromDescriptorWithBuiltins(file);
      return {
        syntax: file.syntax === 'proto3' ? 'proto3' : 'proto2',
        package: file.package ?? '',
        imports: file.dependency ?? [],
        root,
      };
    } catch {
      // Not a descriptor either: the text's own error says more.
    }
  }
  throw textError;
}

/**
 * A descriptor's root. protobufjs resolves its types while reading it, so the well-known files it
 * depends on (google/protobuf/timestamp.proto…) are read with it and their types taken out again:
 * the schema's own root holds only its own definitions.
 */
function fromDescriptorWithBuiltins(file: { dependency?: string[] }): protobuf.Root {
  const deps: unknown[] = [];
  const depTypes: string[] = [];
  for (const name of file.dependency ?? []) {
    const builtin = builtinProtobufImport(name);
    if (builtin === undefined) continue;
    const depRoot =
      typeof builtin === 'string'
        ? protobuf.parse(builtin, new protobuf.Root(), { keepCase: true }).root
        : protobuf.Root.fromJSON({ nested: builtin });
    const set = (
      depRoot as unknown as { toDescriptor(syntax: string): { file: Record<string, unknown>[] } }
    ).toDescriptor('proto3');
    for (const f of set.file) {
      deps.push({ ...f, name: `${name}#${deps.length}` });
      const pkg = typeof f.package === 'string' && f.package !== '' ? `${f.package}.` : '';
      for (const t of [
        ...((f.messageType as { name: string }[]) ?? []),
        ...((f.enumType as { name: string }[]) ?? []),
      ])
        depTypes.push(`${pkg}${t.name}`);
    }
  }
  const root = protobuf.Root.fromDescriptor({ file: [...deps, file] } as never);
  for (const name of depTypes) {
    const found = root.lookup(name);
    if (found?.parent) found.parent.remove(found);
  }
  return root;
}

function mergeInto(root: protobuf.Root, from: protobuf.Root): void {
  root.addJSON((from.toJSON() as { nested?: protobuf.INamespace['nested'] }).nested ?? {});
}

function serializedFile(root: protobuf.Root, main: ProtoFile): string {
  const set = (
    root as unknown as { toDescriptor(syntax: string): { file: Record<string, unknown>[] } }
  ).toDescriptor(main.syntax);
  const file = set.file.find((f) => (f.package ?? '') === main.package) ?? set.file[0];
  const out = { ...file, name: file.name, dependency: [...main.imports] };
  return Buffer.from(descriptor.FileDescriptorProto.encode(out as never).finish()).toString('base64');
}

// ---------------------------------------------------------------- the canonical printer

/** The file in one layout: syntax, package, imports, options, then its types in declaration order. */
export function printProto(file: ProtoFile): string {
  const lines: string[] = [`syntax = "${file.syntax}";`];
  const pkg = file.package === '' ? file.root : file.root.lookup(file.package);
  if (file.package !== '') lines.push(`package ${file.package};`);
  if (file.imports.length > 0) lines.push('', ...file.imports.map((i) => `import "${i}";`));
  const options = (pkg as protobuf.Namespace | null)?.options ?? {};
  if (Object.keys(options).length > 0)
    lines.push(
      '',
      ...Object.entries(options).map(([k, v]) => `option ${optionName(k)} = ${optionValue(v)};`),
    );
  for (const nested of (pkg as protobuf.Namespace | null)?.nestedArray ?? []) {
    if (
      nested instanceof protobuf.Namespace &&
      !(nested instanceof protobuf.Type) &&
      !(nested instanceof protobuf.Service)
    )
      continue;
    lines.push('', ...printNested(nested, file.syntax, ''));
  }
  return `${lines.join('\n')}\n`;
}

function printNested(obj: protobuf.ReflectionObject, syntax: string, indent: string): string[] {
  if (obj instanceof protobuf.Type) return printMessage(obj, syntax, indent);
  if (obj instanceof protobuf.Enum) return printEnum(obj, indent);
  if (obj instanceof protobuf.Service) return printService(obj, indent);
  return [];
}

function printMessage(type: protobuf.Type, syntax: string, indent: string): string[] {
  const inner = `${indent}  `;
  const out = [`${indent}message ${type.name} {`];
  for (const [k, v] of Object.entries(type.options ?? {}))
    out.push(`${inner}option ${optionName(k)} = ${optionValue(v)};`);
  const realOneofs = type.oneofsArray.filter((o) => !isSyntheticOneof(o));
  const inOneof = new Set(realOneofs.flatMap((o) => o.oneof));
  for (const field of type.fieldsArray)
    if (!inOneof.has(field.name)) out.push(`${inner}${printField(field, syntax)}`);
  for (const oneof of realOneofs) {
    out.push(`${inner}oneof ${oneof.name} {`);
    for (const name of oneof.oneof) {
      const field = type.fields[name];
      if (field !== undefined) out.push(`${inner}  ${printField(field, syntax, true)}`);
    }
    out.push(`${inner}}`);
  }
  const reserved = type.reserved ?? [];
  const ranges = reserved.filter((r): r is number[] => Array.isArray(r));
  const names = reserved.filter((r): r is string => typeof r === 'string');
  if (ranges.length > 0)
    out.push(
      `${inner}reserved ${ranges.map(([a, b]) => (a === b ? `${a}` : `${a} to ${b === 536870911 ? 'max' : b}`)).join(', ')};`,
    );
  if (names.length > 0) out.push(`${inner}reserved ${names.map((n) => `"${n}"`).join(', ')};`);
  for (const nested of type.nestedArray) out.push(...printNested(nested, syntax, inner));
  out.push(`${indent}}`);
  return out;
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  const [only] = oneof.fieldsArray;
  return oneof.oneof.length === 1 && only?.options?.proto3_optional === true;
}

function printField(field: protobuf.Field, syntax: string, inOneof = false): string {
  const mapField = field as unknown as protobuf.MapField;
  const type = field.map ? `map<${mapField.keyType}, ${field.type}>` : field.type;
  let label = '';
  if (!field.map && !inOneof) {
    if (field.repeated) label = 'repeated ';
    else if (field.required) label = 'required ';
    else if (syntax === 'proto2' || field.options?.proto3_optional === true) label = 'optional ';
  }
  const options = fieldOptions(field);
  const shown =
    options.length === 0
      ? ''
      : ` [${options.map(([k, v]) => `${optionName(k)} = ${optionValue(v)}`).join(', ')}]`;
  return `${label}${type} ${field.name} = ${field.id}${shown};`;
}

/**
 * A field's options as written: protobufjs flattens an aggregate option (`(confluent.field_meta) =
 * { params: [...] }`) in `options`, keeping only its last leaf, so those come from `parsedOptions`.
 */
function fieldOptions(field: protobuf.Field): [string, unknown][] {
  const aggregates = (field.parsedOptions ?? []).flatMap((o) =>
    Object.entries(o as Record<string, unknown>).filter(([, v]) => typeof v === 'object' && v !== null),
  );
  const flattenedUnder = aggregates.map(([k]) => `${k}.`);
  const plain = Object.entries(field.options ?? {}).filter(
    ([k]) => k !== 'proto3_optional' && !flattenedUnder.some((prefix) => k.startsWith(prefix)),
  );
  return [...plain, ...aggregates];
}

function printEnum(e: protobuf.Enum, indent: string): string[] {
  const inner = `${indent}  `;
  const out = [`${indent}enum ${e.name} {`];
  for (const [k, v] of Object.entries(e.options ?? {}))
    out.push(`${inner}option ${optionName(k)} = ${optionValue(v)};`);
  for (const [name, value] of Object.entries(e.values)) out.push(`${inner}${name} = ${value};`);
  out.push(`${indent}}`);
  return out;
}

function printService(s: protobuf.Service, indent: string): string[] {
  const out = [`${indent}service ${s.name} {`];
  for (const m of s.methodsArray)
    out.push(
      `${indent}  rpc ${m.name}(${m.requestStream ? 'stream ' : ''}${m.requestType}) returns (${m.responseStream ? 'stream ' : ''}${m.responseType});`,
    );
  out.push(`${indent}}`);
  return out;
}

function optionName(key: string): string {
  // protobufjs keeps custom options as "(name)" or "(name).sub"; built-in ones bare.
  return key;
}

function optionValue(value: unknown): string {
  if (typeof value === 'string') return /^[A-Z_][A-Z0-9_]*$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(optionValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    // Protobuf's text format for a message value: { name: value, … }.
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${optionValue(v)}`)
      .join(', ')} }`;
  return String(value);
}

// ---------------------------------------------------------------- compatibility

/** Integer kinds a field may change between: Confluent's compatible scalar groups. */
const SCALAR_GROUPS: readonly (readonly string[])[] = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
];

/**
 * Why `next` cannot replace `previous` under Confluent's Protobuf rules (the same both ways):
 * package changed, a message removed, a field's type or label changed, a required field added or
 * removed, a field moved into a oneof. Undefined when compatible.
 */
export function protobufDifference(previous: ProtoFile, next: ProtoFile): string | undefined {
  if (previous.package !== next.package)
    return `PACKAGE_CHANGED: the package changed from '${previous.package}' to '${next.package}'`;
  const before = messagesOf(previous);
  const after = messagesOf(next);
  for (const [name, old] of before) {
    const now = after.get(name);
    if (now === undefined) return `MESSAGE_REMOVED: message ${name} was removed`;
    for (const oldField of old.fieldsArray) {
      const field = now.fieldsById[oldField.id];
      if (field === undefined) {
        if (oldField.required)
          return `REQUIRED_FIELD_REMOVED: ${name}.${oldField.name} (tag ${oldField.id}) was required`;
        continue;
      }
      const where = `${name}.${field.name} (tag ${field.id})`;
      if (field.map !== oldField.map || field.repeated !== oldField.repeated)
        return `FIELD_KIND_CHANGED: ${where} changed from ${kindOf(oldField)} to ${kindOf(field)}`;
      if (field.type !== oldField.type && !sameGroup(field.type, oldField.type))
        return `FIELD_TYPE_CHANGED: ${where} changed type from ${oldField.type} to ${field.type}`;
      if (field.required !== oldField.required)
        return `${field.required ? 'REQUIRED_FIELD_ADDED' : 'REQUIRED_FIELD_REMOVED'}: ${where}`;
      const oldOneof = realOneof(oldField);
      const newOneof = realOneof(field);
      if (newOneof !== undefined && oldOneof === undefined && now.oneofs[newOneof].oneof.length > 1) {
        const moved = now.oneofs[newOneof].oneof.filter((n) => {
          const f = now.fields[n];
          return (
            f !== undefined &&
            old.fieldsById[f.id] !== undefined &&
            realOneof(old.fieldsById[f.id]) === undefined
          );
        });
        if (moved.length > 1)
          return `MULTIPLE_FIELDS_MOVED_TO_ONEOF: fields ${moved.join(', ')} of ${name} moved into oneof ${newOneof}`;
      }
    }
    for (const field of now.fieldsArray)
      if (field.required && old.fieldsById[field.id] === undefined)
        return `REQUIRED_FIELD_ADDED: ${name}.${field.name} (tag ${field.id}) is new and required`;
  }
  return undefined;
}

function messagesOf(file: ProtoFile): Map<string, protobuf.Type> {
  const out = new Map<string, protobuf.Type>();
  const walk = (ns: protobuf.NamespaceBase, prefix: string): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const name = `${prefix}${nested.name}`;
        out.set(name, nested);
        walk(nested, `${name}.`);
      } else if (nested instanceof protobuf.Namespace) walk(nested, `${prefix}${nested.name}.`);
    }
  };
  walk(file.root, '');
  return out;
}

function kindOf(field: protobuf.Field): string {
  return field.map ? 'map' : field.repeated ? 'repeated' : 'singular';
}

function sameGroup(a: string, b: string): boolean {
  return SCALAR_GROUPS.some((g) => g.includes(a) && g.includes(b));
}

function realOneof(field: protobuf.Field): string | undefined {
  const name = field.partOf?.name;
  if (name === undefined || field.options?.proto3_optional === true) return undefined;
  return name;
}

/** The first message's full name (RecordNameStrategy and friends name subjects after it). */
export function firstMessageName(file: ProtoFile): string | undefined {
  const [first] = messagesOf(file).keys();
  return first;
}
