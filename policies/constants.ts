/**
 * Limits and names of the policy engine. The language is the subset of Cedar 4 described in
 * PROTOCOL.md § Policies (Cedar language reference: https://docs.cedarpolicy.com/policies/syntax-grammar.html).
 */

/** Largest policy source accepted, in characters; bounds parse time and memory. */
export const MAX_SOURCE_CHARS = 1_000_000;

/** Deepest expression nesting accepted (parentheses, sets, records, operators); keeps recursion bounded. */
export const MAX_NESTING = 200;

/** Cedar limits a run of unary operators (`!` or `-`) to four (grammar: Unary). */
export const MAX_UNARY_RUN = 4;

/** Cedar's `Long` is a 64-bit signed integer (Cedar reference § Long). */
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;

/** Identifiers Cedar reserves (grammar § IDENT); they cannot name attributes or types. */
export const RESERVED = new Set(['true', 'false', 'if', 'then', 'else', 'in', 'is', 'like', 'has', '__cedar']);

/** Policy ids as Cedar assigns them to a policy set parsed from text: policy0, policy1, … */
export const POLICY_ID_PREFIX = 'policy';

/** Most entities in one request, and deepest JSON nesting of request values. */
export const MAX_REQUEST_ENTITIES = 100_000;
export const MAX_VALUE_DEPTH = 64;

/** Methods of the subset and their argument counts (Cedar reference § Operators). */
export const METHODS: Readonly<Record<string, number>> = {
  contains: 1,
  containsAll: 1,
  containsAny: 1,
  isEmpty: 0,
};

/** File suffix of policy files read from a directory. */
export const POLICY_FILE_SUFFIX = '.cedar';
