import type { Log } from '../../log/index.js';

/** The all-zero UUID: "no topic id", which keeps clients on the name-based Fetch (v12 and below). */
export const NO_TOPIC_ID = Buffer.alloc(16);

/** A topic id as the wire carries it (16 bytes) from the log's URL-safe base64 form; zeros when the log keeps none. */
export function topicIdBytes(id: string | undefined): Buffer {
  if (id === undefined) return NO_TOPIC_ID;
  const bytes = Buffer.from(id, 'base64url');
  return bytes.length === 16 ? bytes : NO_TOPIC_ID;
}

/**
 * Topic ids back to names, for requests that name topics by id (Fetch v13+, Metadata v10+). Remembers
 * what it has seen and asks the log again on a miss; a hit is checked against the log, so a topic
 * deleted and created again under the same name is not served under its old id.
 */
export class TopicIds {
  readonly #log: Log;
  readonly #names = new Map<string, string>();

  constructor(log: Log) {
    this.#log = log;
  }

  /** Records a name's id, as Metadata learns it. */
  note(name: string, id: string | undefined): void {
    if (id !== undefined) this.#names.set(id, name);
  }

  /** The topic with this id now, or undefined (Kafka's UNKNOWN_TOPIC_ID). */
  async nameOf(idBytes: Buffer): Promise<string | undefined> {
    if (idBytes.equals(NO_TOPIC_ID)) return undefined;
    const id = idBytes.toString('base64url');
    const known = this.#names.get(id);
    if (known !== undefined && (await this.#idNow(known)) === id) return known;
    this.#names.delete(id);
    for (const name of await this.#log.listTopics()) this.note(name, await this.#idNow(name));
    return this.#names.get(id);
  }

  async #idNow(name: string): Promise<string | undefined> {
    try {
      return (await this.#log.describeTopic(name)).topicId;
    } catch {
      return undefined;
    }
  }
}
