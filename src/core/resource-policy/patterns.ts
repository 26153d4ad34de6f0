/**
 * The string tests a resource-policy reading needs: IAM's glob (`*` any run of characters, `?` one
 * character, used by Action, Resource and the `…Like` operators), whether a value is "fixed" in the
 * sense AWS gives the word, and CIDR ranges for `aws:SourceIp`. Pure and total: nothing here throws.
 */

const globSource = (pattern: string): string =>
  pattern
    .split('')
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');

/** Action names are case-insensitive in IAM; resource ARNs and condition values are not. */
export const globRegex = (pattern: string, ignoreCase: boolean): RegExp =>
  new RegExp(`^${globSource(pattern)}$`, ignoreCase ? 'i' : '');

export const hasWildcard = (value: string): boolean => /[*?]/.test(value);

/**
 * AWS's word for a value the caller cannot choose: "values that don't contain a wildcard or an AWS
 * Identity and Access Management Policy Variable" (S3 "The meaning of public"; AWS Config
 * sqs-queue-no-public-access). `${` starts a policy variable.
 */
export const isFixedValue = (value: string): boolean => value !== '' && !hasWildcard(value) && !value.includes('${');

/**
 * Whether every string `inner` can match is also matched by `outer`. Only the cases that can be
 * decided cheaply and soundly answer true (`*`; an identical pattern; a literal `inner` that `outer`
 * matches; `outer` = literal prefix + `*` that `inner` literally starts with). Anything else is false,
 * which is the conservative answer for the one caller: a Deny that cannot be shown to cover an Allow
 * does not cancel it.
 */
export const patternCovers = (outer: string, inner: string, ignoreCase: boolean): boolean => {
  const o = ignoreCase ? outer.toLowerCase() : outer;
  const i = ignoreCase ? inner.toLowerCase() : inner;
  if (o === '*' || o === i) return true;
  if (!hasWildcard(i)) return globRegex(o, false).test(i);
  const star = o.indexOf('*');
  const prefix = o.slice(0, star);
  return star === o.length - 1 && !hasWildcard(prefix) && i.startsWith(prefix);
};

const ipv4 = (address: string): boolean => {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
};

/** Loose on purpose (no zero-run bookkeeping): it only has to reject what is plainly not an address. */
const ipv6 = (address: string): boolean => address.includes(':') && /^[0-9a-f:.]+$/i.test(address);

/**
 * The prefix length of an `aws:SourceIp` value (`203.0.113.0/24` → 24; a bare address is a /32 or
 * /128), or null when the value is not an address range at all (then it proves nothing).
 */
export const cidrPrefixLength = (value: string): number | null => {
  const [address, prefix, ...rest] = value.trim().split('/');
  if (address === undefined || rest.length > 0) return null;
  const max = ipv4(address) ? 32 : ipv6(address) ? 128 : null;
  if (max === null) return null;
  if (prefix === undefined) return max;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
  return Number(prefix);
};

/** A range that leaves out part of the internet: `0.0.0.0/0` and `::/0` do not narrow anything. */
export const isNarrowCidr = (value: string): boolean => {
  const length = cidrPrefixLength(value);
  return length !== null && length > 0;
};
