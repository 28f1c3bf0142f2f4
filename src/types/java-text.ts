// Number text the way ksqlDB's Java side writes it; the formats, the functions and CAST all print
// doubles, and must print them alike.

/** Double.toString: "100.0", "1.5", "1.0E7", "1.0E-4", "NaN", "Infinity", "-0.0". */
export function formatDoubleLikeJava(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    // In this range JavaScript never uses an exponent; Java always shows a fraction digit.
    const s = String(d);
    return Number.isInteger(d) ? `${s}.0` : s;
  }
  // toExponential() gives the shortest digits that read back, as Java 19+ does.
  const e = d.toExponential();
  const at = e.indexOf('e');
  const mantissa = e.slice(0, at);
  const exponent = e.charCodeAt(at + 1) === 43 /* + */ ? e.slice(at + 2) : e.slice(at + 1);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent}`;
}
