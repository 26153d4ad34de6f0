import fs from 'node:fs';
import path from 'node:path';
import { partition } from '@aws-sdk/core/client';
import { z } from 'zod';
import { suggest } from '../core/suggest';

/**
 * Region names, judged without a network call by the partition data that ships inside the AWS SDK
 * (the `partitions.json` the SDK resolves endpoints with). A misspelt region (`us-eats-1`) is a
 * usage error, not a scan: the SDK would happily build `ec2.us-eats-1.amazonaws.com`, every call
 * would fail, and the run would end with nothing but `unknown` findings and exit 0.
 */

/** A real region name: `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`; never the `aws-global` pseudo regions. */
const REGION_SHAPE = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

/**
 * Whether the SDK lists `name` as a region of one of its partitions. `partition()` is the SDK's
 * public resolver: it answers with the region's description only for a listed region, and with
 * the bare partition defaults for anything that merely looks like one (`us-eats-1` matches the
 * `aws` partition's pattern).
 */
export const isKnownRegion = (name: string): boolean =>
  REGION_SHAPE.test(name) && typeof (partition(name) as { description?: unknown }).description === 'string';

const PartitionsSchema = z.object({
  partitions: z.array(z.object({ id: z.string(), regions: z.record(z.string(), z.unknown()) })).min(1),
});

/** Where @aws-sdk/core keeps the partition data (its `client` entry point does not export the list). */
const PARTITIONS_FILE = ['dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js'];

let cached: readonly string[] | null = null;

/**
 * Every region name the SDK knows, sorted: the candidates for "did you mean". Read once from the
 * SDK's own data file; when an SDK upgrade moves it, the list is empty (no suggestions) while
 * `isKnownRegion` keeps working through the public resolver. test/aws/region-names.test.ts fails
 * on such an upgrade, so it does not go unnoticed.
 */
export const knownRegions = (): readonly string[] => {
  if (cached) return cached;
  try {
    const dir = path.dirname(require.resolve('@aws-sdk/core/package.json'));
    const text = fs.readFileSync(path.join(dir, ...PARTITIONS_FILE), 'utf8');
    // The file is `export const partitionsInfo = {…};`: the object literal is plain JSON.
    const data = PartitionsSchema.parse(JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)));
    cached = [...new Set(data.partitions.flatMap((p) => Object.keys(p.regions)))].filter(isKnownRegion).sort();
  } catch {
    cached = [];
  }
  return cached;
};

/** The known region closest to a misspelt one, when it is close enough to be a typo. */
export const suggestRegion = (name: string): string | undefined => suggest(name, knownRegions());

/**
 * Regions given by a person (CLI flag, Slack text, cloudsec.yml), lower-cased, without repeats,
 * or the first one that is not a region with the closest known name.
 */
export const checkRegionNames = (
  names: readonly string[],
): { ok: true; regions: string[] } | { ok: false; region: string; suggestion: string | undefined } => {
  const regions = [...new Set(names.map((n) => n.trim().toLowerCase()))];
  const bad = regions.find((r) => !isKnownRegion(r));
  return bad === undefined ? { ok: true, regions } : { ok: false, region: bad, suggestion: suggestRegion(bad) };
};

/** "us-eats-1 is not an AWS region — did you mean us-east-1?"; `quote` marks the suggestion up (Slack: backticks). */
export const describeUnknownRegion = (
  bad: { region: string; suggestion: string | undefined },
  quote: (name: string) => string = (name) => name,
): string =>
  `${bad.region || '(empty)'} is not an AWS region` +
  (bad.suggestion
    ? ` — did you mean ${quote(bad.suggestion)}?`
    : ` (region names look like ${quote('us-east-1')} or ${quote('eu-west-2')})`);
