// Short word lists of our own for the Java Faker names that faker-js has no method for. They keep
// the README's and ksqlDB's example statements working; they do not reproduce Java Faker's data.

export const BLOOD_GROUPS = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'];

export const FUNNY_NAMES = [
  'Al Dente',
  'Barb Dwyer',
  'Bill Board',
  'Candice Cane',
  'Chris P. Bacon',
  'Crystal Ball',
  'Dee Lighted',
  'Earl Lee Riser',
  'Ella Vator',
  'Justin Case',
  'Lou Pole',
  'Mark Mywords',
  'Paige Turner',
  'Pat Myback',
  'Ray Sin',
  'Rick O. Shay',
  'Sal Monella',
  'Sue Flay',
  'Terry Cloth',
  'Warren Peace',
];

export const MEASUREMENTS = ['teaspoon', 'tablespoon', 'cup', 'pint', 'quart', 'gallon'];
export const MEASUREMENT_SIZES = ['1/4', '1/3', '1/2', '1', '2', '3'];

export const DOG_SIZES = ['small', 'medium', 'large', 'extra large'];
export const DOG_AGES = ['puppy', 'young', 'adult', 'senior'];

export const BEER_STYLES = [
  'Lager',
  'Pilsner',
  'Pale Ale',
  'India Pale Ale',
  'Amber Ale',
  'Porter',
  'Stout',
  'Wheat Beer',
  'Saison',
  'Sour',
];

export const TEAM_SPORTS = ['baseball', 'basketball', 'football', 'hockey', 'rugby', 'soccer', 'volleyball'];

export const DRAGONS = [
  'Balerion',
  'Caraxes',
  'Drogon',
  'Meleys',
  'Meraxes',
  'Rhaegal',
  'Sunfyre',
  'Syrax',
  'Vhagar',
  'Viserion',
];

export const HITCHHIKER_CHARACTERS = [
  'Arthur Dent',
  'Ford Prefect',
  'Zaphod Beeblebrox',
  'Trillian',
  'Marvin',
  'Slartibartfast',
  'Deep Thought',
  'Eddie',
  'Fenchurch',
  'Agrajag',
];
export const HITCHHIKER_PLANETS = ['Earth', 'Magrathea', 'Vogsphere', 'Damogran', 'Krikkit', 'Betelgeuse V'];
export const HITCHHIKER_LOCATIONS = [
  'Milliways',
  'the Heart of Gold',
  'Islington',
  'the Restaurant at the End of the Universe',
  'Magrathea',
];
