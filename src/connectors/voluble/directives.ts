import type { Faker } from '@faker-js/faker';
import {
  booleanArg,
  DirectiveArgumentError,
  dateArg,
  intArg,
  numberArg,
  timeUnitArg,
} from './directive-args.js';
import { javaDoubleString, javaListString, javaString } from './java-text.js';
import type { RandomSource } from './random-source.js';
import * as words from './word-lists.js';

/** Produces one directive's text per call. */
export type TextGenerator = () => string;

/** One Java Faker method: how many arguments it takes and how to build its generator from them. */
interface Directive {
  readonly arities: readonly number[] | 'one or more';
  build(args: readonly string[], random: RandomSource): TextGenerator;
}

/** A directive with no arguments, answered by one faker call. */
function call(fn: (faker: Faker) => unknown): Directive {
  return { arities: [0], build: (_args, r) => () => javaString(fn(r.faker)) };
}

function pickFrom(list: readonly string[]): Directive {
  return { arities: [0], build: (_args, r) => () => list[r.below(list.length)] };
}

function withArgs(arities: readonly number[], build: Directive['build']): Directive {
  return { arities, build };
}

const between = (r: RandomSource, fromMs: number, toMs: number) => () =>
  javaString(r.faker.date.between({ from: fromMs, to: toMs }));

/** Java Faker's `past`/`future`: `'atMost','UNIT'` or `'atMost','minimum','UNIT'`. */
function relativeDate(direction: 1 | -1): Directive {
  return withArgs([2, 3], (args, r) => {
    const unit = timeUnitArg(args[args.length - 1]);
    const atMost = intArg(args[0]) * unit;
    const atLeast = args.length === 3 ? intArg(args[1]) * unit : 0;
    if (atLeast > atMost) throw new DirectiveArgumentError('minimum must not exceed atMost');
    return () => {
      const now = Date.now();
      const [a, b] = [now + direction * atLeast, now + direction * atMost];
      return javaString(r.faker.date.between({ from: Math.min(a, b), to: Math.max(a, b) }));
    };
  });
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Java Faker names (provider and method lower-cased, underscores removed) → faker-js. Built from
 * the reference's mapping table plus the names the Voluble README and ksqlDB statements use.
 */
const DIRECTIVES: Readonly<Record<string, Directive>> = {
  'name.fullname': call((f) => f.person.fullName()),
  'name.name': call((f) => f.person.fullName()),
  'name.namewithmiddle': call(
    (f) => `${f.person.firstName()} ${f.person.middleName()} ${f.person.lastName()}`,
  ),
  'name.firstname': call((f) => f.person.firstName()),
  'name.lastname': call((f) => f.person.lastName()),
  'name.prefix': call((f) => f.person.prefix()),
  'name.suffix': call((f) => f.person.suffix()),
  'name.username': call((f) => f.internet.username()),
  'name.title': call((f) => f.person.jobTitle()),
  'name.bloodgroup': pickFrom(words.BLOOD_GROUPS),
  'job.title': call((f) => f.person.jobTitle()),
  'job.field': call((f) => f.person.jobArea()),
  'job.position': call((f) => f.person.jobType()),
  'job.seniority': call((f) => f.person.jobDescriptor()),
  'demographic.sex': call((f) => f.person.sex()),
  'funnyname.name': pickFrom(words.FUNNY_NAMES),

  'internet.uuid': call((f) => f.string.uuid()),
  'internet.emailaddress': call((f) => f.internet.email()),
  'internet.safeemailaddress': call((f) => f.internet.exampleEmail()),
  'internet.url': call((f) => f.internet.url()),
  'internet.domainname': call((f) => f.internet.domainName()),
  'internet.domainword': call((f) => f.internet.domainWord()),
  'internet.ipv4address': call((f) => f.internet.ipv4()),
  'internet.ipv6address': call((f) => f.internet.ipv6()),
  'internet.macaddress': call((f) => f.internet.mac()),
  'internet.useragentany': call((f) => f.internet.userAgent()),
  'internet.slug': call((f) => f.lorem.slug()),
  'internet.avatar': call((f) => f.image.avatar()),
  'internet.image': call((f) => f.image.url()),
  'internet.password': withArgs([0, 2], (args, r) => {
    const [min, max] = args.length === 2 ? [intArg(args[0]), intArg(args[1])] : [8, 16];
    return () =>
      r.faker.internet.password({ length: r.faker.number.int({ min, max: Math.max(min, max - 1) }) });
  }),

  'address.streetaddress': call((f) => f.location.streetAddress()),
  'address.fulladdress': call((f) => f.location.streetAddress(true)),
  'address.streetname': call((f) => f.location.street()),
  'address.buildingnumber': call((f) => f.location.buildingNumber()),
  'address.secondaryaddress': call((f) => f.location.secondaryAddress()),
  'address.city': call((f) => f.location.city()),
  'address.cityname': call((f) => f.location.city()),
  'address.zipcode': call((f) => f.location.zipCode()),
  'address.state': call((f) => f.location.state()),
  'address.stateabbr': call((f) => f.location.state({ abbreviated: true })),
  'address.country': call((f) => f.location.country()),
  'address.countrycode': call((f) => f.location.countryCode('alpha-2')),
  'address.latitude': call((f) => f.location.latitude()),
  'address.longitude': call((f) => f.location.longitude()),
  'address.timezone': call((f) => f.location.timeZone()),
  'country.name': call((f) => f.location.country()),
  'country.countrycode2': call((f) => f.location.countryCode('alpha-2')),
  'country.countrycode3': call((f) => f.location.countryCode('alpha-3')),
  'phonenumber.cellphone': call((f) => f.phone.number()),
  'phonenumber.phonenumber': call((f) => f.phone.number()),

  'finance.creditcard': call((f) => f.finance.creditCardNumber()),
  'finance.iban': call((f) => f.finance.iban()),
  'finance.bic': call((f) => f.finance.bic()),
  'business.creditcardnumber': call((f) => f.finance.creditCardNumber()),
  'business.creditcardtype': call((f) => f.finance.creditCardIssuer()),
  'currency.code': call((f) => f.finance.currencyCode()),
  'currency.name': call((f) => f.finance.currencyName()),

  'commerce.productname': call((f) => f.commerce.productName()),
  'commerce.department': call((f) => f.commerce.department()),
  'commerce.material': call((f) => f.commerce.productMaterial()),
  'commerce.color': call((f) => f.color.human()),
  'commerce.promotioncode': call(
    (f) => `${capitalise(f.commerce.productAdjective())}${capitalise(f.word.noun())}${f.string.numeric(6)}`,
  ),
  'commerce.price': withArgs([0, 2], (args, r) => {
    const [min, max] = args.length === 2 ? [numberArg(args[0]), numberArg(args[1])] : [1, 100];
    return () => r.faker.commerce.price({ min, max });
  }),
  'color.name': call((f) => f.color.human()),
  'color.hex': call((f) => f.color.rgb()),
  'company.name': call((f) => f.company.name()),
  'company.catchphrase': call((f) => f.company.catchPhrase()),
  'company.bs': call((f) => f.company.buzzPhrase()),
  'company.buzzword': call((f) => f.company.buzzNoun()),
  'company.industry': call((f) => f.commerce.department()),
  'company.url': call((f) => f.internet.url()),

  'lorem.word': call((f) => f.lorem.word()),
  'lorem.words': withArgs([0, 1], (args, r) => {
    const n = args.length === 1 ? intArg(args[0]) : 3;
    return () => javaListString(Array.from({ length: n }, () => r.faker.lorem.word()));
  }),
  'lorem.sentence': withArgs([0, 1], (args, r) => {
    const n = args.length === 1 ? intArg(args[0]) : undefined;
    return () => r.faker.lorem.sentence(n);
  }),
  'lorem.paragraph': withArgs([0, 1], (args, r) => {
    const n = args.length === 1 ? intArg(args[0]) : undefined;
    return () => r.faker.lorem.paragraph(n);
  }),
  'lorem.characters': withArgs([0, 1], (args, r) => {
    const n = args.length === 1 ? intArg(args[0]) : 255;
    return () => r.faker.string.alphanumeric(n);
  }),

  'number.numberbetween': withArgs([2], (args, r) => {
    const [min, max] = [intArg(args[0]), intArg(args[1])];
    // Java's upper bound is exclusive, faker-js's inclusive; Java answers min when they meet.
    return () => String(max <= min ? min : r.faker.number.int({ min, max: max - 1 }));
  }),
  'number.randomdigit': call((f) => f.number.int(9)),
  'number.randomdigitnotzero': call((f) => f.number.int({ min: 1, max: 9 })),
  'number.digit': call((f) => f.number.int(9)),
  'number.digits': withArgs([1], (args, r) => {
    const n = intArg(args[0]);
    return () => r.faker.string.numeric(n);
  }),
  'number.randomnumber': withArgs([0, 2], (args, r) => {
    if (args.length === 0) return () => String(r.faker.number.int(999_999_999));
    const digits = intArg(args[0]);
    const strict = booleanArg(args[1]);
    if (digits < 1 || digits > 15) throw new DirectiveArgumentError('digits must be between 1 and 15');
    const max = 10 ** digits - 1;
    const min = strict ? 10 ** (digits - 1) : 0;
    return () => String(r.faker.number.int({ min, max }));
  }),
  'number.randomdouble': withArgs([3], (args, r) => {
    const [fractionDigits, min, max] = [intArg(args[0]), numberArg(args[1]), numberArg(args[2])];
    return () => javaDoubleString(r.faker.number.float({ min, max, fractionDigits }));
  }),
  'bool.bool': call((f) => f.datatype.boolean()),
  'options.option': {
    arities: 'one or more',
    build: (args, r) => () => args[r.below(args.length)],
  },

  'date.past': relativeDate(-1),
  'date.future': relativeDate(1),
  'date.between': withArgs([2], (args, r) => {
    const [from, to] = [dateArg(args[0]).getTime(), dateArg(args[1]).getTime()];
    if (from > to) throw new DirectiveArgumentError('the first date must not be after the second');
    return between(r, from, to);
  }),
  'date.birthday': withArgs([0, 2], (args, r) => {
    const [min, max] = args.length === 2 ? [intArg(args[0]), intArg(args[1])] : [18, 65];
    if (min > max) throw new DirectiveArgumentError('minAge must not exceed maxAge');
    return () => javaString(r.faker.date.birthdate({ mode: 'age', min, max }));
  }),

  'code.isbn10': call((f) => f.commerce.isbn(10)),
  'code.isbn13': call((f) => f.commerce.isbn(13)),
  'code.asin': call((f) => `B0${f.string.alphanumeric({ length: 8, casing: 'upper' })}`),
  'crypto.md5': call((f) => f.string.hexadecimal({ length: 32, casing: 'lower', prefix: '' })),
  'crypto.sha1': call((f) => f.string.hexadecimal({ length: 40, casing: 'lower', prefix: '' })),
  'crypto.sha256': call((f) => f.string.hexadecimal({ length: 64, casing: 'lower', prefix: '' })),
  'crypto.sha512': call((f) => f.string.hexadecimal({ length: 128, casing: 'lower', prefix: '' })),
  'idnumber.ssnvalid': call((f) => f.helpers.replaceSymbols('###-##-####')),
  'idnumber.valid': call((f) => f.helpers.replaceSymbols('###-##-####')),

  'app.version': call((f) => f.system.semver()),
  'app.name': call((f) => f.commerce.productName()),
  'app.author': call((f) => f.person.fullName()),
  'file.filename': call((f) => f.system.fileName()),
  'file.extension': call((f) => f.system.fileExt()),
  'file.mimetype': call((f) => f.system.mimeType()),
  'hacker.noun': call((f) => f.hacker.noun()),
  'hacker.verb': call((f) => f.hacker.verb()),
  'hacker.adjective': call((f) => f.hacker.adjective()),
  'hacker.abbreviation': call((f) => f.hacker.abbreviation()),
  'hacker.ingverb': call((f) => f.hacker.ingverb()),
  'animal.name': call((f) => f.animal.type()),
  'music.genre': call((f) => f.music.genre()),
  'book.title': call((f) => f.book.title()),
  'book.author': call((f) => f.book.author()),
  'book.genre': call((f) => f.book.genre()),
  'book.publisher': call((f) => f.book.publisher()),
  'vehicle.vin': call((f) => f.vehicle.vin()),
  'vehicle.make': call((f) => f.vehicle.manufacturer()),
  'vehicle.model': call((f) => f.vehicle.model()),
  'vehicle.color': call((f) => f.vehicle.color()),
  'vehicle.fueltype': call((f) => f.vehicle.fuel()),
  'aviation.airport': call((f) => f.airline.airport().iataCode),
  'food.dish': call((f) => f.food.dish()),
  'food.ingredient': call((f) => f.food.ingredient()),
  'food.vegetables': call((f) => f.food.vegetable()),
  'food.fruits': call((f) => f.food.fruit()),
  'food.spices': call((f) => f.food.spice()),
  'food.measurements': pickFrom(words.MEASUREMENTS),
  'food.measurementsizes': pickFrom(words.MEASUREMENT_SIZES),
  'team.name': call((f) => `${f.location.state()} ${capitalise(f.animal.type())}s`),
  'team.creature': call((f) => `${f.animal.type()}s`),
  'team.state': call((f) => f.location.state()),
  'team.sport': pickFrom(words.TEAM_SPORTS),
  'dog.name': call((f) => f.animal.petName()),
  'dog.breed': call((f) => f.animal.dog()),
  'dog.size': pickFrom(words.DOG_SIZES),
  'dog.age': pickFrom(words.DOG_AGES),
  'cat.name': call((f) => f.animal.petName()),
  'cat.breed': call((f) => f.animal.cat()),
  'beer.name': call((f) => `${f.person.lastName()}'s ${f.helpers.arrayElement(words.BEER_STYLES)}`),
  'beer.style': pickFrom(words.BEER_STYLES),
  'gameofthrones.dragon': pickFrom(words.DRAGONS),
  'hitchhikersguidetothegalaxy.character': pickFrom(words.HITCHHIKER_CHARACTERS),
  'hitchhikersguidetothegalaxy.location': pickFrom(words.HITCHHIKER_LOCATIONS),
  'hitchhikersguidetothegalaxy.planet': pickFrom(words.HITCHHIKER_PLANETS),

  // Faker's own methods, written without a provider.
  regexify: withArgs([1], (args, r) => r.regex(args[0])),
  bothify: withArgs([1, 2], (args, r) => symbols(args, r, /[#?]/g)),
  numerify: withArgs([1], (args, r) => symbols(args, r, /#/g)),
  letterify: withArgs([1, 2], (args, r) => symbols(args, r, /\?/g)),
};

/** `#` → digit, `?` → letter (upper-case when the second argument is 'true'), as Java Faker does. */
function symbols(args: readonly string[], r: RandomSource, which: RegExp): TextGenerator {
  const upper = args.length === 2 ? booleanArg(args[1]) : false;
  const letters = upper ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' : 'abcdefghijklmnopqrstuvwxyz';
  return () =>
    args[0].replace(which, (symbol) =>
      symbol === '#' ? String(r.below(10)) : letters.charAt(r.below(letters.length)),
    );
}

export function normaliseDirectiveName(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

/** A directive that cannot be resolved, or whose arguments do not fit: Java Faker's message. */
export class DirectiveError extends Error {
  override readonly name = 'DirectiveError';
}

/** Builds the generator for `#{name 'arg',…}`, or throws a DirectiveError saying what is wrong. */
export function resolveDirective(name: string, args: readonly string[], random: RandomSource): TextGenerator {
  const directive = DIRECTIVES[normaliseDirectiveName(name)];
  const shown = `#{${name}${args.length > 0 ? ` ${args.map((a) => `'${a}'`).join(',')}` : ''}}`;
  if (directive === undefined) throw new DirectiveError(`Unable to resolve ${shown} directive.`);
  const fits =
    directive.arities === 'one or more' ? args.length >= 1 : directive.arities.includes(args.length);
  if (!fits) {
    const expected = directive.arities === 'one or more' ? 'one or more' : directive.arities.join(' or ');
    throw new DirectiveError(
      `Unable to resolve ${shown} directive: ${name} takes ${expected} arguments, got ${args.length}.`,
    );
  }
  try {
    return directive.build(args, random);
  } catch (err) {
    // Bad arguments, or a regexify pattern randexp cannot read.
    throw new DirectiveError(`Unable to resolve ${shown} directive: ${(err as Error).message}.`);
  }
}

/** Every name the expression language knows, normalised; for docs and tests. */
export function knownDirectiveNames(): string[] {
  return Object.keys(DIRECTIVES);
}
