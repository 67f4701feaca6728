/**
 * IPv4 CIDR arithmetic for the guardrails: whether a block lies inside another (a policy's allowed CIDRs) and
 * whether two blocks share an address (overlapping peers). Blocks are 32-bit network numbers with a prefix;
 * pure, no I/O. Validation of what a caller may send lives in `peering/fields.ts`; this reads any block.
 */

/** One IPv4 block: its network number (host bits cleared) and prefix length. */
export interface Cidr {
  network: number;
  prefix: number;
}

const SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A decimal without a leading zero, at most `max` (`010` is octal to some parsers: ambiguous, refused). */
function decimal(digits: string | undefined, max: number): number | undefined {
  if (digits === undefined || (digits.length > 1 && digits.startsWith("0"))) return undefined;
  const n = Number(digits);
  return n <= max ? n : undefined;
}

/** The netmask of a prefix as an unsigned 32-bit number (JS shifts by `n % 32`, so /0 is its own case). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parses `a.b.c.d/n` strictly. `exact` is false when host bits are set (`10.0.0.5/24`): the block is then
 * the network they belong to, and a policy refuses such an entry rather than guess what was meant.
 */
export function parseCidr(text: string): (Cidr & { exact: boolean }) | undefined {
  const match = SHAPE.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map((digits) => decimal(digits, 255));
  const prefix = decimal(match[5], 32);
  if (prefix === undefined || octets.some((octet) => octet === undefined)) return undefined;
  const address = octets.reduce<number>((acc, octet) => acc * 256 + (octet ?? 0), 0);
  const network = (address & maskOf(prefix)) >>> 0;
  return { network, prefix, exact: network === address };
}

/** The block written as `a.b.c.d/n`. */
export function formatCidr(cidr: Cidr): string {
  const dotted = [24, 16, 8, 0].map((shift) => (cidr.network >>> shift) & 255).join(".");
  return `${dotted}/${cidr.prefix}`;
}

/** Whether every address of `inner` is in `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && (inner.network & maskOf(outer.prefix)) >>> 0 === outer.network;
}

/** Whether the two blocks share an address: for CIDR blocks, exactly when one contains the other. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** Whether the block written `text` overlaps the block written `other`; false when either is no CIDR. */
export function textOverlaps(text: string, other: string): boolean {
  const a = parseCidr(text);
  const b = parseCidr(other);
  return a !== undefined && b !== undefined && overlaps(a, b);
}
