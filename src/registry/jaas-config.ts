// Kafka's sasl.jaas.config text: `<LoginModule class> <flag> key=value key="value" …;`. The Schema
// Registry client reads the Kafka client's login options from it when told to inherit them
// (basic.auth.credentials.source=SASL_INHERIT, bearer.auth.credentials.source=SASL_OAUTHBEARER_INHERIT).

export interface JaasEntry {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Readonly<Record<string, string>>;
}

const FLAGS = ['required', 'requisite', 'sufficient', 'optional'];

/** The one login module entry of a sasl.jaas.config value; throws with what is wrong. */
export function parseJaasConfig(text: string): JaasEntry {
  const tokens = tokenize(text);
  let at = 0;
  const next = (what: string): string => {
    const t = tokens[at++];
    if (t === undefined) throw new Error(`it ends where ${what} was expected`);
    return t;
  };
  const loginModule = next('a login module class name');
  const flag = next('a control flag (required, requisite, sufficient or optional)');
  if (!FLAGS.includes(flag.toLowerCase()))
    throw new Error(`'${flag}' is not a control flag: give required, requisite, sufficient or optional`);
  const options: Record<string, string> = {};
  for (;;) {
    const key = next("';' at its end");
    if (key === ';') break;
    if (next(`'=' after ${key}`) !== '=') throw new Error(`option '${key}' has no '=value'`);
    const value = next(`a value for ${key}`);
    if (value === ';' || value === '=') throw new Error(`option '${key}' has no value`);
    options[key] = unquote(value);
  }
  if (at < tokens.length)
    throw new Error(
      'it holds more than one login module entry; the Schema Registry client takes exactly one',
    );
  return { loginModule, flag: flag.toLowerCase(), options };
}

/** Words, quoted strings (kept with their quotes so that `unquote` knows), `=` and `;`. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '=' || c === ';') {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length)
        throw new Error(`a quoted value starting at character ${i + 1} has no closing ${c}`);
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s=;"']/.test(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function unquote(token: string): string {
  const q = token[0];
  if ((q === '"' || q === "'") && token.endsWith(q)) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  return token;
}
