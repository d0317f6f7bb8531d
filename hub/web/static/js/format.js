// Formatting of the hub's Decimal strings ("5985000.00", "-19.42"). Amounts are rounded and
// grouped exactly, on their digits (BigInt), never through a float.

export const MINUS = "\u2212"; // the minus sign of every negative figure on the page
export const MISSING = "\u2014"; // an em dash where there is no figure

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function parse(value) {
  const match = DECIMAL.exec(String(value).trim());
  if (match === null) {
    throw new Error(`not a decimal number: ${value}`);
  }
  const [, sign, whole, fraction = ""] = match;
  return { negative: sign === "-", digits: BigInt(whole + fraction), scale: fraction.length };
}

// Round half-even to `places` decimals; returns { negative, whole, fraction } as digit strings.
export function roundDecimal(value, places) {
  const { negative, digits, scale } = parse(value);
  let scaled = digits * 10n ** BigInt(Math.max(places - scale, 0));
  if (scale > places) {
    const divisor = 10n ** BigInt(scale - places);
    const quotient = digits / divisor;
    const twice = (digits % divisor) * 2n;
    const up = twice > divisor || (twice === divisor && quotient % 2n === 1n);
    scaled = up ? quotient + 1n : quotient;
  }
  const text = scaled.toString().padStart(places + 1, "0");
  return {
    negative: negative && scaled !== 0n,
    whole: text.slice(0, text.length - places),
    fraction: text.slice(text.length - places),
  };
}

export function groupThousands(whole) {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function compose({ negative, whole, fraction }, { plus = false } = {}) {
  const sign = negative ? MINUS : plus && /[1-9]/.test(whole + fraction) ? "+" : "";
  return sign + groupThousands(whole) + (fraction ? `.${fraction}` : "");
}

function decimalsOf(value) {
  const { scale } = parse(value);
  return scale;
}

// Money, to the unit: "197,677,870", "−628,294".
export function formatAmount(value, { plus = false } = {}) {
  return value == null ? MISSING : compose(roundDecimal(value, 0), { plus });
}

// A count or a quantity, as precise as given, without trailing zeros: "20,611", "6.7".
export function formatQuantity(value) {
  if (value == null) {
    return MISSING;
  }
  const rounded = roundDecimal(value, decimalsOf(value));
  return compose({ ...rounded, fraction: rounded.fraction.replace(/0+$/, "") });
}

// A Decimal string times 10^places, exactly, as a plain decimal string without trailing zeros
// (what the hub takes): shiftDecimal("80", -2) is "0.8" (a percent as a share), and
// shiftDecimal("0.8", 2) is "80".
export function shiftDecimal(value, places) {
  const { negative, digits, scale } = parse(value);
  const shifted = scale - places;
  const size = Math.max(shifted, 0);
  const scaled = shifted < 0 ? digits * 10n ** BigInt(-shifted) : digits;
  const text = scaled.toString().padStart(size + 1, "0");
  const whole = text.slice(0, text.length - size);
  const fraction = text.slice(text.length - size).replace(/0+$/, "");
  return `${negative && scaled !== 0n ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

// A rate: "6.5 %", "7.33 %".
export function formatPercent(value) {
  return value == null ? MISSING : `${formatQuantity(value)} %`;
}

// A change in percent, always with its sign and two decimals: "+30.00 %", "−19.42 %".
export function formatChangePercent(value) {
  return value == null ? MISSING : `${compose(roundDecimal(value, 2), { plus: true })} %`;
}

// A rate of exchange, as published: "11.4325".
export function formatRate(value) {
  return value == null ? MISSING : formatQuantity(value);
}

// For drawing only (positions and lengths), never for a figure shown as text.
export function toNumber(value) {
  return value == null ? null : Number(value);
}

// Axis ticks: "0", "500 k", "50 M", "1.5 M".
export function formatCompact(number) {
  const units = [
    [1e9, " bn"],
    [1e6, " M"],
    [1e3, " k"],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(number) >= size) {
      const scaled = number / size;
      const text = Number.isInteger(scaled) ? String(scaled) : scaled.toFixed(1);
      return text.replace("-", MINUS) + suffix;
    }
  }
  return String(number).replace("-", MINUS);
}
