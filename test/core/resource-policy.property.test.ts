/**
 * Properties of the resource-policy reader that no table of examples can pin down: adding restrictions
 * never opens a policy, adding loopholes never closes one, and a document damaged anywhere is either
 * still read the same way or unreadable — never quietly "not public".
 */
import fc from 'fast-check';
import { evaluateResourcePolicy, type PolicyContext } from '../../src/core/resource-policy';

const OWNER = '111122223333';
const FOREIGN = '999988887777';
const CONTEXT: PolicyContext = { ownerAccountId: OWNER, service: 'sqs', orgIds: ['o-own12345'] };
const QUEUE = `arn:aws:sqs:us-east-1:${OWNER}:jobs`;

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };
type Statement = { [k: string]: Json };
type Condition = Record<string, Record<string, Json>>;
interface Policy {
  Version: string;
  Statement: Statement[];
}

const status = (document: unknown) => evaluateResourcePolicy(document, CONTEXT).status;

// ---------------------------------------------------------------- arbitraries

const account = fc.constantFrom(OWNER, FOREIGN, '444455556666');

const principal: fc.Arbitrary<Json> = fc.oneof(
  fc.constant('*'),
  fc.constant({ AWS: '*' }),
  account.map((a) => ({ AWS: [`arn:aws:iam::${a}:root`, '*'] })),
  account.map((a) => ({ AWS: a })),
  account.map((a) => ({ AWS: `arn:aws:iam::${a}:role/worker` })),
  fc.constant({ AWS: 'arn:aws:iam::*:root' }),
  fc.constant({ Service: 'sns.amazonaws.com' }),
  fc.constant({ CanonicalUser: '79a59df900b949e55d96a1e698fbaced' }),
);

const actions: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom('*', 'sqs:*', 'sqs:SendMessage', 'sqs:Send*', 'sqs:ReceiveMessage', 's3:GetObject'),
  fc.subarray(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:Get*'], { minLength: 1 }),
);

const resource: fc.Arbitrary<Json> = fc.constantFrom('*', QUEUE, `arn:aws:sqs:us-east-1:${OWNER}:*`, [QUEUE]);

interface Clause {
  operator: string;
  key: string;
  values: Json;
}

/** Clauses that pin the caller to concrete values: each narrows an Allow on its own. */
const narrowingClause: fc.Arbitrary<Clause> = fc.oneof(
  fc.record({
    operator: fc.constantFrom('StringEquals', 'StringLike', 'stringequals', 'ForAnyValue:StringEquals'),
    key: fc.constantFrom('aws:SourceAccount', 'aws:PrincipalAccount', 'AWS:SourceOwner', 'aws:sourceaccount'),
    values: fc.oneof(account, fc.subarray([OWNER, FOREIGN], { minLength: 1 })),
  }),
  fc.record({
    operator: fc.constantFrom('StringEquals', 'StringEqualsIgnoreCase'),
    key: fc.constant('aws:PrincipalOrgID'),
    values: fc.constantFrom('o-own12345', 'o-other1234'),
  }),
  fc.record({
    operator: fc.constantFrom('ArnEquals', 'ArnLike'),
    key: fc.constant('aws:SourceArn'),
    values: account.map((a) => `arn:aws:sns:us-east-1:${a}:topic`),
  }),
  fc.record({
    operator: fc.constant('IpAddress'),
    key: fc.constant('aws:SourceIp'),
    values: fc.constantFrom('203.0.113.0/24', ['10.0.0.0/8', '2001:db8::/32']),
  }),
);

/** Clauses an anonymous caller satisfies (or that any caller can): none of them narrows an Allow. */
const loopholeClause: fc.Arbitrary<Clause> = fc.oneof(
  // IfExists, ForAllValues: true when the key is missing.
  fc.record({
    operator: fc.constantFrom('StringEqualsIfExists', 'ForAllValues:StringEquals', 'ArnLikeIfExists'),
    key: fc.constantFrom('aws:SourceAccount', 'aws:PrincipalOrgID', 'aws:SourceArn'),
    values: account,
  }),
  // Negated operators: true for a caller without the key.
  fc.record({
    operator: fc.constantFrom('StringNotEquals', 'StringNotLike', 'ArnNotEquals'),
    key: fc.constantFrom('aws:SourceAccount', 'aws:PrincipalAccount', 'aws:SourceArn'),
    values: account,
  }),
  // Wildcards and policy variables: the caller chooses the value.
  fc.record({
    operator: fc.constantFrom('StringLike', 'StringEquals', 'ArnLike'),
    key: fc.constantFrom('aws:SourceAccount', 'aws:PrincipalOrgID', 'aws:SourceArn'),
    values: fc.constantFrom('*', '1111*', '${aws:PrincipalAccount}', [OWNER, '*'], 'arn:aws:sns:*:*:*'),
  }),
  // Keys any caller controls, or that say nothing about who calls.
  fc.record({
    operator: fc.constantFrom('Bool', 'StringEquals'),
    key: fc.constantFrom('aws:SecureTransport', 'aws:UserAgent', 'aws:RequestedRegion'),
    values: fc.constantFrom('true', 'false', 'us-east-1'),
  }),
  fc
    .record({
      operator: fc.constantFrom('IpAddress', 'NotIpAddress'),
      key: fc.constant('aws:SourceIp'),
      values: fc.constantFrom('0.0.0.0/0', ['10.0.0.0/8', '::/0'], '203.0.113.0/24'),
    })
    .filter((c) => !(c.operator === 'IpAddress' && c.values === '203.0.113.0/24')),
);

const condition: fc.Arbitrary<Condition> = fc
  .array(fc.oneof(narrowingClause, loopholeClause), { maxLength: 2 })
  .map((clauses) => clauses.reduce<Condition>((c, x) => withClause(c, x), {}));

const statement: fc.Arbitrary<Statement> = fc
  .record({
    sid: fc.option(fc.constantFrom('A', 'B', 'Shared'), { nil: undefined }),
    effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
    notPrincipal: fc.constantFrom(false, false, false, false, true),
    principal,
    notAction: fc.boolean(),
    actions,
    resource,
    condition: fc.option(condition, { nil: undefined }),
  })
  .map((s) => ({
    ...(s.sid === undefined ? {} : { Sid: s.sid }),
    Effect: s.effect,
    [s.notPrincipal ? 'NotPrincipal' : 'Principal']: s.principal,
    [s.notAction ? 'NotAction' : 'Action']: s.actions,
    Resource: s.resource,
    ...(s.condition === undefined || Object.keys(s.condition).length === 0 ? {} : { Condition: s.condition }),
  }));

const policy: fc.Arbitrary<Policy> = fc
  .array(statement, { minLength: 1, maxLength: 4 })
  .map((Statement) => ({ Version: '2012-10-17', Statement }));

// ---------------------------------------------------------------- edits

/** Adds a clause; an operator/key pair already present is left as it was (overwriting could loosen it). */
function withClause(c: Condition, x: Clause): Condition {
  const block = c[x.operator] ?? {};
  if (x.key in block) return c;
  return { ...c, [x.operator]: { ...block, [x.key]: x.values } };
}

const addClause = (p: Policy, index: number, x: Clause): Policy => ({
  ...p,
  Statement: p.Statement.map((s, i) =>
    i === index % p.Statement.length && s.Effect === 'Allow'
      ? { ...s, Condition: withClause((s.Condition ?? {}) as Condition, x) }
      : s,
  ),
});

const RUNS = { numRuns: 400 };

describe('resource policy properties', () => {
  it('when a narrowing clause is added to an Allow, then a policy that was not public never becomes public', () => {
    fc.assert(
      fc.property(policy, fc.nat(), narrowingClause, (p, index, x) => {
        fc.pre(status(p) === 'not-public');
        expect(status(addClause(p, index, x))).toBe('not-public');
      }),
      RUNS,
    );
  });

  it('when any clause is added to an Allow, then a policy that was not public never becomes public', () => {
    fc.assert(
      fc.property(policy, fc.nat(), fc.oneof(narrowingClause, loopholeClause), (p, index, x) => {
        fc.pre(status(p) === 'not-public');
        expect(status(addClause(p, index, x))).toBe('not-public');
      }),
      RUNS,
    );
  });

  it('when an IfExists, negated, wildcard or caller-controlled clause is added to an Allow, then a public policy stays public', () => {
    fc.assert(
      fc.property(policy, fc.nat(), loopholeClause, (p, index, x) => {
        fc.pre(status(p) === 'public');
        expect(status(addClause(p, index, x))).toBe('public');
      }),
      RUNS,
    );
  });

  it('when a "*" value is added to every narrowing clause of a lone public-principal Allow, then it is public', () => {
    fc.assert(
      fc.property(fc.array(narrowingClause, { minLength: 1, maxLength: 3 }), (clauses) => {
        const Condition = clauses.reduce<Condition>((c, x) => withClause(c, x), {});
        const opened = Object.fromEntries(
          Object.entries(Condition).map(([op, block]) => [
            op,
            Object.fromEntries(
              Object.entries(block).map(([k, v]) => [k, [...[v].flat(), op === 'IpAddress' ? '0.0.0.0/0' : '*']]),
            ),
          ]),
        );
        const allow = { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: QUEUE };
        expect(status({ Statement: [{ ...allow, Condition }] })).toBe('not-public');
        expect(status({ Statement: [{ ...allow, Condition: opened }] })).toBe('public');
      }),
      RUNS,
    );
  });

  it('when an Allow statement is added, then a public policy stays public', () => {
    fc.assert(
      fc.property(policy, statement, (p, s) => {
        fc.pre(status(p) === 'public');
        expect(status({ ...p, Statement: [...p.Statement, { ...s, Effect: 'Allow' }] })).toBe('public');
      }),
      RUNS,
    );
  });

  it('when a Deny statement is added, then a policy that was not public never becomes public', () => {
    fc.assert(
      fc.property(policy, statement, (p, s) => {
        fc.pre(status(p) === 'not-public');
        expect(status({ ...p, Statement: [...p.Statement, { ...s, Effect: 'Deny' }] })).toBe('not-public');
      }),
      RUNS,
    );
  });

  it('when a Deny of everything to everyone is added, then no readable policy is public', () => {
    const denyAll = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' };
    fc.assert(
      fc.property(policy, (p) => {
        expect(status({ ...p, Statement: [...p.Statement, denyAll] })).toBe('not-public');
      }),
      RUNS,
    );
  });

  it('when statements are reordered, or the policy is sent as JSON text, then the verdict is the same', () => {
    fc.assert(
      fc.property(policy, fc.nat(), (p, shift) => {
        const n = shift % p.Statement.length;
        const rotated = { ...p, Statement: [...p.Statement.slice(n), ...p.Statement.slice(0, n)] };
        expect(status(rotated)).toBe(status(p));
        expect(status(JSON.stringify(p))).toBe(status(p));
      }),
      RUNS,
    );
  });

  // ------------------------------------------------------------ fail closed

  /** Every place in the document a value sits: object members and array elements, at any depth. */
  const paths = (value: Json, at: (string | number)[] = []): (string | number)[][] =>
    Array.isArray(value)
      ? value.flatMap((v, i) => [[...at, i], ...paths(v, [...at, i])])
      : typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) => [[...at, k], ...paths(v, [...at, k])])
        : [];

  const replaceAt = (value: Json, path: (string | number)[], junk: Json): Json => {
    if (path.length === 0) return junk;
    const [head, ...rest] = path;
    if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, junk) : v));
    const record = value as { [k: string]: Json };
    return { ...record, [head!]: replaceAt(record[head!]!, rest, junk) };
  };

  /** Values that are of the wrong type wherever IAM's grammar puts something. */
  const junk = fc.constantFrom<Json>(null, [null], [[null]], { junk: null }, [{}]);

  it('when any value of the document is replaced with junk, then it is read as before or unreadable, never newly "not public"', () => {
    fc.assert(
      fc.property(policy, fc.nat(), junk, (p, pick, j) => {
        const all = [[], ...paths(p as unknown as Json)];
        const path = all[pick % all.length]!;
        const damaged = replaceAt(p as unknown as Json, path, j);
        expect([status(p), 'unreadable']).toContain(status(damaged));
      }),
      { numRuns: 1000 },
    );
  });

  it('when the JSON text of a policy is cut short anywhere, then it is unreadable', () => {
    fc.assert(
      fc.property(policy, fc.nat(), (p, cut) => {
        const text = JSON.stringify(p);
        expect(status(text.slice(0, cut % text.length))).toBe('unreadable');
      }),
      RUNS,
    );
  });
});
