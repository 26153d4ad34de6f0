/**
 * Fail closed, for every collector at once: an estate in which nearly every check fails is scanned
 * through the real SDK clients, then scanned again with ONE answer corrupted on the wire (one field
 * left out, a boolean that reads as garbage, an HTML page, an empty body, a body cut short). Whatever
 * the corruption, no check that failed on the true answers may pass, and none may silently vanish:
 * it stays `fail`, or becomes `unknown` with a one-line reason (for the resource, or for the check
 * on the account when the resource itself can no longer be named).
 *
 * Every single-field mutation of every answer is tried (exhaustive, so a new field in a fixture is
 * covered without anyone thinking of it); fast-check adds cuts at any byte and odd boolean texts.
 */
import fc from 'fast-check';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSecurityHubBaseline, collectSecurityHubChanges } from '../../../src/aws/collectors/securityhub-changes';
import { parseConfig } from '../../../src/config';
import { CHECKS } from '../../../src/core/checks';
import type { ObservedItem } from '../../../src/core/digest/model';
import { evaluateChecks } from '../../../src/core/findings';
import { GLOBAL_REGION, SERVICES, type AccountSnapshot, type Finding, type Service } from '../../../src/core/model';
import { CloudsecError } from '../../../src/errors';
import {
  ESTATE_ACCOUNT,
  ESTATE_HOME_REGION,
  NOT_IN_ESTATE_YET,
  estateAnswers,
  notInEstateYet,
  securityHubChangeAnswers,
  serveEstate,
  type AnswerScope,
  type EstateAnswer,
  type ServedEstate,
} from '../../fixtures/aws/exposed-estate';
import { mutationsOf, truncation, type Mutation } from '../../fixtures/aws/wire-mutations';
import { NOW } from '../../fixtures/snapshot-builders';
import { makeEstateScanners, type Corruption, type Scanner } from '../../fixtures/aws/estate/scanners';

/** Every severity, so that every Security Hub finding of the estate is read. */
const CONFIG = parseConfig(
  'securityhub:\n  severities: [critical, high, medium, low, informational]\n',
  'cloudsec.yml',
);

const ANSWERS = estateAnswers();
/** The answers a scan of the true estate asks for; the fallbacks are only asked after a corruption. */
const SCANNED = ANSWERS.filter((a) => !a.fallback);

// ---------------------------------------------------------------- scanning, with one answer rewritten

const { scanners, rewrite, onScanners } = makeEstateScanners(CONFIG);
let served: ServedEstate;

const findingsOf = (account: AccountSnapshot): Finding[] =>
  evaluateChecks(
    CHECKS,
    { schemaVersion: 1, generatedAt: NOW.toISOString(), demo: false, services: [...SERVICES], accounts: [account] },
    NOW,
    { services: SERVICES },
  );

// ---------------------------------------------------------------- the property

let truth: AccountSnapshot;
let failing: Finding[];
/** The ids of every finding of the true scan. */
let truthIds: Set<string>;

/** Words of the HTML page: a reason may say that a page came back, never quote it. */
const QUOTES_PAGE = /Network login required|Please sign in|Sign in to continue|<!doctype/i;

/** A one-line description of the finding, for counterexamples. */
const named = (f: Finding) => `${f.checkId} on ${f.resource.id} (${f.region})`;

/**
 * What is wrong with the findings of a scan in which one answer was corrupted; empty when nothing is.
 * `strict`: the corruption makes the answer something the API does not document, so every failing
 * check must still fail or be unknown. Otherwise (a well-formed answer about a different estate)
 * only the invariants that hold for any answer are checked.
 */
const problemsOf = (account: AccountSnapshot, strict: boolean): string[] => {
  const findings = findingsOf(account);
  const problems = account.warnings
    .filter((w) => !w.trim() || w.includes('\n') || QUOTES_PAGE.test(w))
    .map((w) => `the account carries an unreadable warning: ${JSON.stringify(w.slice(0, 200))}`);
  problems.push(
    ...findings
      .filter(
        (f) => f.status === 'unknown' && (!f.message.trim() || f.message.includes('\n') || QUOTES_PAGE.test(f.message)),
      )
      .map((f) => `${named(f)} is unknown with an unreadable reason: ${JSON.stringify(f.message.slice(0, 200))}`),
  );
  if (!strict) return problems;

  const byId = new Map(findings.map((f) => [f.id, f]));
  // Unknown for the same resource in another region (its region was what could not be read), or for
  // the check on the account or region (the list that named the resource could not be read).
  const unknownFor = (f: Finding) =>
    findings.some(
      (u) =>
        u.status === 'unknown' &&
        u.accountId === f.accountId &&
        (u.checkId === f.checkId || (f.source === 'securityhub' && u.checkId === 'securityhub_hub_enabled')) &&
        (u.resource.id === f.resource.id || u.region === f.region || u.region === GLOBAL_REGION),
    );
  // Findings of the corrupted scan about no resource the true scan named.
  const renamed = (f: Finding) =>
    findings.some(
      (u) =>
        u.status !== 'pass' &&
        !truthIds.has(u.id) &&
        u.accountId === f.accountId &&
        u.checkId === f.checkId &&
        u.region === f.region,
    );
  for (const f of failing) {
    const now = byId.get(f.id);
    if (now?.status === 'pass') problems.push(`${named(f)}: fail → pass (${now.message})`);
    if (now) continue;
    // The resource can no longer be named (its list is unreadable): the check is unknown for the account.
    if (unknownFor(f)) continue;
    // Named differently and still not passing: an optional field the resource's name is built from was
    // left out (an IAM Access Analyzer finding without its `resource` is named by its resource type).
    if (renamed(f)) continue;
    // A region the scan could not list is left out, and the account says so.
    if (!account.regions.includes(f.region) && f.region !== GLOBAL_REGION && account.warnings.length > 0) continue;
    problems.push(`${named(f)}: fail → not reported at all`);
  }
  return problems;
};

/** The services whose collection reads an answer of `scope` (all of them for identity and regions). */
const servicesFor = (scope: AnswerScope): readonly Service[] => (scope === '*' ? SERVICES : [scope]);

/** Slices kept as one entry per region, each collected from that region's answers alone. */
const PER_REGION: readonly Service[] = [
  'ec2',
  'securityhub',
  'rds',
  'efs',
  'eks',
  'guardduty',
  'config',
  'accessanalyzer',
];

/** The one region to collect again when `answer` is corrupted, or null for every region. */
const regionToRescan = (answer: EstateAnswer): string | null =>
  answer.scope !== '*' && PER_REGION.includes(answer.scope) && answer.region ? answer.region : null;

/**
 * Scans with one answer corrupted and returns what is wrong, each line naming the corruption.
 * Only the services that read the answer are collected again, and for a per-region slice only the
 * answer's region (the other regions' answers are the true ones, so their slices are the true
 * slices); everything else keeps its true slice.
 */
const corruptedScan = async (scanner: Scanner, answer: EstateAnswer, mutation: Mutation): Promise<string[]> => {
  const where = `${answer.id}, ${mutation.label}`;
  let account: AccountSnapshot;
  try {
    const region = regionToRescan(answer);
    const collected = await scanner.scan(
      servicesFor(answer.scope),
      { answerId: answer.id, mutation },
      region ? [region] : undefined,
    );
    if (answer.scope === '*') account = collected;
    else {
      // A slice the scan did not produce stays absent: never filled in from the truth.
      const part = collected[answer.scope];
      const slice = region && part ? { ...(truth[answer.scope] as object), ...part } : part;
      account = {
        ...truth,
        [answer.scope]: slice,
        warnings: collected.warnings,
        // Listed from DescribeRegions' true answer, or given (one region): the account's regions are the true ones.
        regions: region ? truth.regions : collected.regions,
        access: collected.access,
      };
    }
  } catch (err) {
    // Who the caller is (STS) decides what can be scanned at all: a refusal that says why is fail-closed.
    if (answer.scope === '*' && err instanceof CloudsecError && err.message.trim() && !err.message.includes('\n')) {
      return [];
    }
    return [`${where}: the scan threw ${String(err).slice(0, 300)}`];
  }
  return problemsOf(account, mutation.class === 'corruption').map((p) => `${where}: ${p}`);
};

let baselineRequests: { requested: readonly string[]; unmatched: readonly string[] };

beforeAll(async () => {
  served = serveEstate(ANSWERS, rewrite);
  truth = await scanners[0]!.scan(SERVICES);
  const truthFindings = findingsOf(truth);
  failing = truthFindings.filter((f) => f.status === 'fail');
  truthIds = new Set(truthFindings.map((f) => f.id));
  baselineRequests = { requested: [...served.requested], unmatched: [...served.unmatched] };
});
// The setup file clears nock after each test: the estate is served again before each.
beforeEach(() => {
  served.restore();
  served = serveEstate(ANSWERS, rewrite);
});
afterAll(() => served.restore());

describe('the estate as AWS answers it', () => {
  it('when every answer is the true one, then every answer is asked for and every check fails at least once', () => {
    expect(baselineRequests.unmatched.filter((r) => !notInEstateYet(r))).toEqual([]);
    const asked = new Set(baselineRequests.requested);
    expect(SCANNED.filter((a) => !asked.has(a.id)).map((a) => a.id)).toEqual([]);
    expect(ANSWERS.filter((a) => a.fallback && asked.has(a.id)).map((a) => a.id)).toEqual([]);
    const failingChecks = new Set(failing.map((f) => f.checkId));
    // Root has MFA, through a virtual device: that is what makes iam_root_hardware_mfa_enabled fail on
    // the evidence of the device list. Root without any MFA would fail both checks without that list.
    const passing = ['iam_root_mfa_enabled'];
    const inEstate = CHECKS.filter((c) => !(c.service in NOT_IN_ESTATE_YET));
    expect(inEstate.map((c) => c.id).filter((id) => !failingChecks.has(id))).toEqual(passing);
    expect(failing.filter((f) => f.source === 'securityhub')).not.toHaveLength(0);
  });

  it('when an answer is mutated, then its bytes change (no mutation leaves the true answer in place)', () => {
    const unchanged = SCANNED.flatMap((a) =>
      mutationsOf(a.answer)
        .filter((m) => JSON.stringify(m.apply(a.answer)) === JSON.stringify(a.answer))
        .map((m) => `${a.id}: ${m.label}`),
    );

    expect(unchanged).toEqual([]);
  });
});

describe('one corrupted answer never turns a failing check into a passing or vanished one', () => {
  const SCOPES: AnswerScope[] = [
    '*',
    'iam',
    's3',
    'ec2',
    'cloudtrail',
    'securityhub',
    'rds',
    'efs',
    'eks',
    'guardduty',
    'config',
    'accessanalyzer',
    'account',
  ];

  it.each(SCOPES)(
    'when any single field of any %s answer is dropped or garbled, or the answer is replaced by an HTML page, an empty body or half of itself, then every failing check still fails or is unknown',
    async (scope) => {
      const cases = SCANNED.filter((a) => a.scope === scope).flatMap((answer) =>
        mutationsOf(answer.answer).map((mutation) => ({ answer, mutation })),
      );
      expect(cases.length).toBeGreaterThan(0);

      const problems = (
        await onScanners(cases, (scanner, { answer, mutation }) => corruptedScan(scanner, answer, mutation))
      ).flat();

      expect(problems).toEqual([]);
    },
    120_000,
  );
});

describe('random cuts and boolean texts (fast-check)', () => {
  /** Texts a proxy, a bug or a hand-written mock could put where a boolean belongs. */
  const oddBoolean = fc.oneof(
    fc.constantFrom('TRUE', 'True', 'FALSE', ' true', 'true ', '1', '0', '', 'on', 'null', 'fals', 'true\n'),
    fc.string({ maxLength: 8 }),
  );

  /** Booleans written as XML text or JSON literals, with where they are, in each answer. */
  const BOOLEANS = SCANNED.flatMap((answer) =>
    [...answer.answer.body.matchAll(/>(true|false)<|:(true|false)\b/g)].map((m) => ({ answer, at: m.index + 1 })),
  );

  /** A case fast-check prints as what was done to which answer. */
  const corruptionCase = (answer: EstateAnswer, mutation: Mutation) => ({
    answer,
    mutation,
    [fc.toStringMethod]: () => `${answer.id}: ${mutation.label}`,
  });

  const cut = fc
    .record({
      answer: fc.constantFrom(...SCANNED),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ answer, fraction }) => corruptionCase(answer, truncation(fraction)));

  const booleanText = fc.record({ target: fc.constantFrom(...BOOLEANS), text: oddBoolean }).map(({ target, text }) => {
    const { answer, at } = target;
    const original = /^(true|false)/.exec(answer.answer.body.slice(at))![1]!;
    const json = answer.answer.body[at - 1] === ':';
    const mutation: Mutation = {
      label: `the boolean at byte ${at} reads ${JSON.stringify(text)} instead of ${original}`,
      class: text === original ? 'well-formed' : 'corruption',
      apply: (a) => ({
        ...a,
        body:
          a.body.slice(0, at) + (json ? JSON.stringify(text) : escapeXml(text)) + a.body.slice(at + original.length),
      }),
    };
    return corruptionCase(answer, mutation);
  });

  it('when one answer is cut at any byte or a boolean holds any other text, then every failing check still fails or is unknown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(cut, booleanText), async ({ answer, mutation }) => {
        expect(await corruptedScan(scanners[0]!, answer, mutation)).toEqual([]);
      }),
      { seed: 20_261_101, numRuns: 150 },
    );
  }, 120_000);
});

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// ---------------------------------------------------------------- Security Hub for digests

describe('Security Hub changes and baseline (digests) on corrupted answers', () => {
  const context = (): CollectContext => ({
    clients: makeClientFactory({ homeRegion: ESTATE_HOME_REGION, maxAttempts: 1 })({ accountId: ESTATE_ACCOUNT }),
    accountId: ESTATE_ACCOUNT,
    partition: 'aws',
    homeRegion: ESTATE_HOME_REGION,
    regions: [ESTATE_HOME_REGION],
    sleep: async () => {},
    fanOut: (fn) => fn(),
  });
  const window = {
    since: new Date('2026-10-31T12:00:00.000Z'),
    until: NOW,
    severities: ['critical', 'high', 'medium', 'low', 'informational'] as const,
  };
  const READS = [
    ['changes', (ctx: CollectContext) => collectSecurityHubChanges(ctx, ESTATE_HOME_REGION, window)],
    ['baseline', (ctx: CollectContext) => collectSecurityHubBaseline(ctx, ESTATE_HOME_REGION, window)],
  ] as const;
  /** A finding may get more alarming (suppressed → open), never quieter. */
  const RANK: Record<ObservedItem['state'], number> = { open: 0, unknown: 0, suppressed: 1, resolved: 2 };

  let changeServer: ServedEstate;
  let corruption: Corruption | undefined;
  beforeEach(() => {
    served.restore();
    changeServer = serveEstate(securityHubChangeAnswers(), (id, answer) =>
      corruption?.answerId === id ? corruption.mutation.apply(answer) : answer,
    );
  });
  afterEach(() => changeServer.restore());

  it.each(READS)(
    'when one field of one GetFindings page is dropped or garbled, or the page is not an answer, then the %s read fails or every finding keeps its state or a more alarming one',
    async (_name, read) => {
      corruption = undefined;
      const truthRead = await read(context());
      if (!truthRead.ok) throw new Error(`the true answers must read: ${truthRead.error.message}`);
      const notResolved = truthRead.items.filter((i) => i.state !== 'resolved');
      expect(notResolved.length).toBeGreaterThanOrEqual(2);

      const problems: string[] = [];
      for (const answer of securityHubChangeAnswers()) {
        for (const mutation of mutationsOf(answer.answer)) {
          corruption = { answerId: answer.id, mutation };
          const where = `${answer.id}, ${mutation.label}`;
          const observed = await read(context());
          if (!observed.ok) {
            if (!observed.error.message.trim() || observed.error.message.includes('\n'))
              problems.push(`${where}: unreadable error ${JSON.stringify(observed.error.message)}`);
            continue;
          }
          if (mutation.class !== 'corruption') continue;
          const byId = new Map(observed.items.map((i) => [i.findingId, i]));
          for (const item of notResolved) {
            const now = byId.get(item.findingId);
            if (!now) problems.push(`${where}: ${item.checkId} ${item.resourceId} is no longer observed`);
            else if (RANK[now.state] > RANK[item.state])
              problems.push(`${where}: ${item.checkId} ${item.resourceId}: ${item.state} → ${now.state}`);
          }
        }
      }
      corruption = undefined;
      expect(problems).toEqual([]);
    },
    60_000,
  );
});
