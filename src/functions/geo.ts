import { FunctionInvocationError, param, type ScalarFunction } from './function-declaration.js';
import { DOUBLE_P, STRING_P } from './type-pattern.js';

// ksqlDB's effective Earth radii for the haversine great-circle distance.
const EARTH_RADIUS_KM = 6371;
const EARTH_RADIUS_MILES = 3959;
const MILES = ['mi', 'mile', 'miles'];
const KILOMETRES = ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'];
const UNIT_NAMES = `${[...MILES, ...KILOMETRES].slice(0, -1).join(', ')} or ${KILOMETRES.at(-1)}`;

function radiusFor(units: string | null): number {
  const unit = units?.trim().toLowerCase() ?? '';
  if (unit === '' || KILOMETRES.includes(unit)) return EARTH_RADIUS_KM;
  if (MILES.includes(unit)) return EARTH_RADIUS_MILES;
  throw new FunctionInvocationError(
    'GEO_DISTANCE',
    `GeoDistance function units parameter must be one of ${UNIT_NAMES}. Values are case-insensitive.`,
  );
}

const toRadians = (degrees: number) => (degrees / 180) * Math.PI;
const haversin = (angle: number) => Math.sin(angle / 2) ** 2;

export function geoDistance(
  lat1: number,
  lon1: number,
  lat2: number,
  lon2: number,
  units: string | null,
): number {
  if (lat1 < -90 || lat2 < -90 || lat1 > 90 || lat2 > 90) {
    throw new FunctionInvocationError(
      'GEO_DISTANCE',
      'valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees',
    );
  }
  if (lon1 < -180 || lon2 < -180 || lon1 > 180 || lon2 > 180) {
    throw new FunctionInvocationError(
      'GEO_DISTANCE',
      'valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees',
    );
  }
  const radius = radiusFor(units);
  const a =
    haversin(toRadians(lat2 - lat1)) +
    haversin(toRadians(lon2 - lon1)) * Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2));
  return 2 * Math.asin(Math.sqrt(a)) * radius;
}

const point = [
  param('lat1', DOUBLE_P, 'The latitude of the first point in decimal degrees.'),
  param('lon1', DOUBLE_P, 'The longitude of the first point in decimal degrees.'),
  param('lat2', DOUBLE_P, 'The latitude of the second point in decimal degrees.'),
  param('lon2', DOUBLE_P, 'The longitude of the second point in decimal degrees.'),
];
const anyNull = (a: readonly unknown[], n: number) => a.slice(0, n).some((v) => v === null);

export const geoFunctions: readonly ScalarFunction[] = [
  {
    name: 'GEO_DISTANCE',
    category: 'OTHER',
    description:
      'Computes the great-circle distance between two (lat, lon) points in decimal degrees, with the haversine formula, in KM (the default) or MILES.',
    overloads: [
      {
        params: point,
        returns: DOUBLE_P,
        description: 'The distance returned is in kilometers.',
        invoke: (a) =>
          anyNull(a, 4)
            ? null
            : geoDistance(a[0] as number, a[1] as number, a[2] as number, a[3] as number, null),
      },
      {
        params: [...point, param('units', STRING_P, 'The units for the return value. Either MILES or KM.')],
        returns: DOUBLE_P,
        invoke: (a) =>
          anyNull(a, 4)
            ? null
            : geoDistance(
                a[0] as number,
                a[1] as number,
                a[2] as number,
                a[3] as number,
                a[4] as string | null,
              ),
      },
    ],
  },
];
