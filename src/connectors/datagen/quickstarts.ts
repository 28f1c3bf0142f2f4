import type { Json, JsonObject } from './avro-json.js';

// Sluice's own Avro schemas for Datagen's quickstarts, written from the field lists in the
// behaviour reference (record names, key fields, ranges, iterations, options, regexes); the option
// lists are ours.

const field = (name: string, type: string, args?: JsonObject): JsonObject => ({
  name,
  type: args === undefined ? type : { type, 'arg.properties': args },
});
const regex = (name: string, pattern: string) => field(name, 'string', { regex: pattern });
const options = (name: string, values: readonly Json[], type = 'string') =>
  field(name, type, { options: values });
const range = (name: string, type: string, min: number, max: number) =>
  field(name, type, { range: { min, max } });
const iteration = (name: string, type: string, start: number, step = 1) =>
  field(name, type, { iteration: { start, step } });
const record = (fullName: string, fields: readonly JsonObject[]): JsonObject => {
  const dot = fullName.lastIndexOf('.');
  return dot < 0
    ? { type: 'record', name: fullName, fields }
    : { type: 'record', name: fullName.slice(dot + 1), namespace: fullName.slice(0, dot), fields };
};

export interface Quickstart {
  readonly schema: JsonObject;
  /** The default `schema.keyfield`. */
  readonly keyField: string;
}

const REGISTER_TIME = range('registertime', 'long', 1487715775521, 1519273364600);
const USERS_FIELDS = [
  REGISTER_TIME,
  regex('userid', 'User_[1-9]'),
  regex('regionid', 'Region_[1-9]'),
  options('gender', ['MALE', 'FEMALE', 'OTHER']),
];
const CITIES = ['Ashford', 'Brookvale', 'Cedar Falls', 'Dunmore', 'Eastwick', 'Fairhaven', 'Glenrock'];
const FIRST_NAMES = ['Ada', 'Bram', 'Cleo', 'Dev', 'Esme', 'Finn', 'Gus', 'Hana', 'Ivo', 'Juno'];
const LAST_NAMES = [
  'Abara',
  'Brock',
  'Castell',
  'Dorn',
  'Ellery',
  'Fenn',
  'Garrow',
  'Holt',
  'Imre',
  'Jessop',
];
const US_STATES = ['CA', 'NY', 'TX', 'WA', 'IL', 'FL', 'OR'];

/** Forty distinct client addresses for the clickstream. */
const CLICK_IPS = Array.from(
  { length: 40 },
  (_, i) => `10.${20 + (i % 4)}.${(i * 37) % 250}.${(i * 53 + 11) % 250}`,
);
const CLICK_REQUESTS = [
  'GET /index.html HTTP/1.1',
  'GET /site/login.html HTTP/1.1',
  'GET /site/user_status.html HTTP/1.1',
  'GET /site/article.html HTTP/1.1',
  'GET /images/logo-small.png HTTP/1.1',
  'GET /images/track.png HTTP/1.1',
];
const CLICK_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 13_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Safari/605.1.15',
];
const RATING_MESSAGES = [
  'Great service, on time',
  'The seats were dirty',
  'Smooth ride, friendly staff',
  'Delayed by twenty minutes',
  'Could not find the platform',
  'Wifi did not work',
  'Comfortable and quiet',
  'Too crowded at rush hour',
  'Driver was very helpful',
  'Ticket machine was broken',
  'Will travel again',
];
const STATUS_CODES: readonly [number, string][] = [
  [200, 'Successful'],
  [302, 'Redirect'],
  [404, 'Page not found'],
  [405, 'Method not allowed'],
  [406, 'Not acceptable'],
  [407, 'Proxy authentication required'],
];
const PRODUCTS = [
  'Trail Runner',
  'City Walker',
  'Court Classic',
  'Summit Boot',
  'Harbor Loafer',
  'Sprint Flyer',
];
const BRANDS = ['Northpeak', 'Ridgeline', 'Stride & Co', 'Bluefern', 'Kestrel'];

export const QUICKSTARTS: Readonly<Record<string, Quickstart>> = {
  orders: {
    keyField: 'orderid',
    schema: record('ksql.orders', [
      range('ordertime', 'long', 1487715775521, 1519273364600),
      iteration('orderid', 'int', 0),
      regex('itemid', 'Item_[1-9][0-9]{0,2}'),
      range('orderunits', 'double', 0.1, 10.0),
      {
        name: 'address',
        type: record('ksql.address', [
          regex('city', 'City_[1-9]{0,2}'),
          regex('state', 'State_[1-9]{0,2}'),
          range('zipcode', 'long', 10000, 99999),
        ]),
      },
    ]),
  },
  users: { keyField: 'userid', schema: record('ksql.users', USERS_FIELDS) },
  users_: {
    keyField: 'userid',
    schema: record('ksql.users', [
      ...USERS_FIELDS,
      {
        name: 'interests',
        type: {
          type: 'array',
          items: {
            type: 'string',
            'arg.properties': { options: ['Travel', 'News', 'Sport', 'Games', 'Movies'] },
          },
          'arg.properties': { length: { min: 1, max: 3 } },
        },
      },
      {
        name: 'contactinfo',
        type: {
          type: 'map',
          values: { type: 'string', 'arg.properties': { regex: '[0-9]{3}-[0-9]{4}' } },
          'arg.properties': { length: { min: 1, max: 3 }, keys: { options: ['phone', 'mobile', 'work'] } },
        },
      },
    ]),
  },
  pageviews: {
    keyField: 'viewtime',
    schema: record('ksql.pageviews', [
      iteration('viewtime', 'long', 1, 10),
      regex('userid', 'User_[1-9]'),
      regex('pageid', 'Page_[1-9][0-9]'),
    ]),
  },
  stock_trades: {
    keyField: 'symbol',
    schema: record('ksql.StockTrade', [
      options('side', ['BUY', 'SELL']),
      range('quantity', 'int', 1, 5000),
      options('symbol', ['ZBZX', 'ZJZZT', 'ZTEST', 'ZVV', 'ZVZZT', 'ZWZZT', 'ZXZZT']),
      range('price', 'int', 5, 1000),
      options('account', ['ABC123', 'LMN456', 'XYZ789']),
      regex('userid', 'User_[1-9]'),
    ]),
  },
  ratings: {
    keyField: 'rating_id',
    schema: record('ksql.ratings', [
      iteration('rating_id', 'long', 1),
      range('user_id', 'int', -1, 20),
      range('stars', 'int', 1, 5),
      range('route_id', 'int', 1, 9999),
      iteration('rating_time', 'long', 1, 12),
      options('channel', ['web', 'iOS', 'ios', 'iOS-test', 'android']),
      options('message', RATING_MESSAGES),
    ]),
  },
  clickstream: {
    keyField: 'ip',
    schema: record('clickstream.events', [
      options('ip', CLICK_IPS),
      range('userid', 'int', -1, 40),
      options('remote_user', ['-']),
      iteration('time', 'string', 1, 10),
      iteration('_time', 'long', 1, 10),
      options('request', CLICK_REQUESTS),
      options('status', ['200', '302', '404', '405', '406', '407']),
      options('bytes', ['278', '1289', '2048', '4096', '4006', '4196', '14096']),
      options('referrer', ['-']),
      options('agent', CLICK_AGENTS),
    ]),
  },
  clickstream_codes: {
    keyField: 'code',
    schema: {
      type: 'record',
      name: 'codes',
      namespace: 'clickstream',
      fields: [
        { name: 'code', type: 'int' },
        { name: 'definition', type: 'string' },
      ],
      'arg.properties': { options: STATUS_CODES.map(([code, definition]) => ({ code, definition })) },
    },
  },
  clickstream_users: {
    keyField: 'user_id',
    schema: record('clickstream.users', [
      iteration('user_id', 'int', 1),
      options('username', [
        'akatz1022',
        'bobk_43',
        'ferd88',
        'Reeva43',
        'Oriana_70',
        'AbdelKable_86',
        'Roberto_123',
        'AlanGreta_GG66',
        'Nathan_126',
        'andy_99',
      ]),
      range('registered_at', 'long', 1407645330000, 1502339792000),
      options('first_name', FIRST_NAMES),
      options('last_name', LAST_NAMES),
      options('city', CITIES),
      options('level', ['Gold', 'Silver', 'Platinum']),
    ]),
  },
  inventory: {
    keyField: 'id',
    schema: record('ksql.inventory', [
      iteration('id', 'long', 0),
      iteration('quantity', 'long', 0),
      iteration('productid', 'long', 0),
    ]),
  },
  product: {
    keyField: 'id',
    schema: record('ksql.product', [
      iteration('id', 'long', 0),
      iteration('name', 'string', 0),
      iteration('description', 'string', 0),
      iteration('price', 'long', 0),
    ]),
  },
  stores: {
    keyField: 'store_id',
    schema: record('datagen.example.stores', [
      iteration('store_id', 'int', 1),
      options('city', CITIES),
      options('state', US_STATES),
    ]),
  },
  credit_cards: {
    keyField: 'card_id',
    schema: record('datagen.example.credit_cards', [
      iteration('card_id', 'int', 1),
      regex('card_number', '4[0-9]{3}-[0-9]{4}-[0-9]{4}-[0-9]{4}'),
      regex('cvv', '[0-9]{3}'),
      regex('expiration_date', '(0[1-9]|1[0-2])/2[5-9]'),
    ]),
  },
  campaign_finance: {
    keyField: 'candidate_id',
    schema: record('datagen.example.campaign_finance', [
      regex('candidate_id', 'C[0-9]{3}'),
      iteration('time', 'long', 1609459200000, 60000),
      options('party_affiliation', ['DEM', 'REP', 'IND', 'GRN', 'LIB']),
      range('contribution', 'int', 10, 5000),
    ]),
  },
  fleet_mgmt_description: {
    keyField: 'vehicle_id',
    schema: record('datagen.example.fleet_mgmt_description', [
      range('vehicle_id', 'int', 1000, 10000),
      options(
        'driver_name',
        FIRST_NAMES.map((f, i) => `${f} ${LAST_NAMES[i]}`),
      ),
      regex('license_plate', '[A-Z]{3}-[0-9]{4}'),
    ]),
  },
  fleet_mgmt_location: {
    keyField: 'vehicle_id',
    schema: record('datagen.example.fleet_mgmt_location', [
      range('vehicle_id', 'int', 1000, 10000),
      {
        name: 'location',
        type: record('datagen.example.location', [
          { name: 'latitude', type: 'double' },
          { name: 'longitude', type: 'double' },
        ]),
      },
      iteration('ts', 'long', 1609459200000, 1000),
    ]),
  },
  fleet_mgmt_sensors: {
    keyField: 'vehicle_id',
    schema: record('datagen.example.fleet_mgmt_sensors', [
      range('vehicle_id', 'int', 1000, 10000),
      range('engine_temperature', 'int', 150, 250),
      range('average_rpm', 'int', 1800, 5000),
    ]),
  },
  payroll_employee: {
    keyField: 'employee_id',
    schema: record('datagen.example.payroll_employee', [
      range('employee_id', 'int', 1000, 1100),
      options('first_name', FIRST_NAMES),
      options('last_name', LAST_NAMES),
      range('age', 'int', 18, 70),
      regex('ssn', '[0-9]{3}-[0-9]{2}-[0-9]{4}'),
      range('hourly_rate', 'int', 15, 80),
      options('gender', ['MALE', 'FEMALE', 'OTHER']),
      regex('email', '[a-z]{5,8}@example\\.com'),
    ]),
  },
  payroll_employee_location: {
    keyField: 'employee_id',
    schema: record('datagen.example.payroll_employee_location', [
      range('employee_id', 'int', 1000, 1100),
      options('lab', ['north', 'south', 'east', 'west']),
      range('department_id', 'int', 1, 10),
      iteration('arrival_date', 'long', 1609459200000, 86400000),
    ]),
  },
  payroll_bonus: {
    keyField: 'employee_id',
    schema: record('datagen.example.payroll_bonus', [
      range('employee_id', 'int', 1000, 1100),
      range('bonus', 'int', 100, 10000),
      iteration('ts', 'long', 1609459200000, 3600000),
    ]),
  },
  device_information: {
    keyField: 'device_ip',
    schema: record('datagen.example.device_information', [
      regex('device_ip', '192\\.168\\.[0-9]{1,2}\\.[0-9]{1,2}'),
      regex('mac_address', '([0-9a-f]{2}:){5}[0-9a-f]{2}'),
      options('owner', FIRST_NAMES),
    ]),
  },
  shoes: {
    keyField: 'id',
    schema: record('datagen.example.shoes', [
      regex('id', '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'),
      options('brand', BRANDS),
      options('name', PRODUCTS),
      range('sale_price', 'int', 2000, 20000),
      range('rating', 'double', 1, 5),
    ]),
  },
  shoe_customers: {
    keyField: 'id',
    schema: record('datagen.example.shoe_customers', [
      regex('id', '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'),
      options('first_name', FIRST_NAMES),
      options('last_name', LAST_NAMES),
      regex('email', '[a-z]{5,8}@example\\.com'),
      regex('phone', '\\+1 [0-9]{3}-[0-9]{3}-[0-9]{4}'),
      regex('street_address', '[1-9][0-9]{1,3} (Main|Oak|Pine|Maple) (St|Ave|Rd)'),
      options('state', US_STATES),
      regex('zip_code', '[0-9]{5}'),
      options('country', ['United States']),
      options('country_code', ['US']),
    ]),
  },
  shoe_orders: {
    keyField: 'order_id',
    schema: record('datagen.example.shoe_orders', [
      iteration('order_id', 'int', 1),
      regex('product_id', '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'),
      regex('customer_id', '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'),
      iteration('ts', 'long', 1609459200000, 1000),
    ]),
  },
  shoe_clickstream: {
    keyField: 'product_id',
    schema: record('datagen.example.shoe_clickstream', [
      regex('product_id', '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'),
      regex('user_id', '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'),
      range('view_time', 'int', 10, 120),
      regex('page_url', 'https://www\\.example\\.com/product/[a-z]{4,8}'),
      regex('ip', '[1-9][0-9]?\\.[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}'),
      iteration('ts', 'long', 1609459200000, 1000),
    ]),
  },
};

/** Case-insensitive, as upstream (`Stock_Trades`). */
export function findQuickstart(name: string): Quickstart | undefined {
  return QUICKSTARTS[name.trim().toLowerCase()];
}

export const QUICKSTART_NAMES: readonly string[] = Object.keys(QUICKSTARTS);
