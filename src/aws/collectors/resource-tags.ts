import type { ResourceTags } from '../../core/model';

/**
 * A resource's tags from the tag list its own describe answer carries (EC2 `tagSet`, RDS `TagList`):
 * no extra call. Accepted-risk scopes may name tags, so what this returns decides whether an
 * exception can cover a finding; it never decides a verdict, so nothing here may throw.
 *
 * - The list element absent (`undefined`): not known. EC2 leaves `tagSet` out of an item without
 *   tags, but a describe call may also "silently fail" to return tags unless a tag is used as a
 *   filter, and tags of a just-created instance are not yet in the answer (Cloud Custodian backs
 *   its EC2 tag filters with DescribeTags for this reason, citing the EC2 user guide: c7n
 *   resources/ec2.py `DescribeEC2.augment`, issue cloud-custodian#252). An absent list therefore
 *   cannot be read as "no tags". RDS writes an empty `<TagList/>` for a resource without tags
 *   (describe-db-instances output shows `"TagList": []`), but older answers have no TagList at all,
 *   so its absence is equally unknown.
 * - The list present (`<tagSet/>`, `<TagList/>` read as `[]`, or with items): exactly those tags.
 * - A tag without its key or value, or a key listed twice: the answer is not the documented one
 *   (EC2 and RDS keys are unique per resource), so the tags are not known. Fail closed: an unknown
 *   tag set never matches a scope, where a guessed one might.
 * - A key `__proto__` (a valid tag key): the snapshot's schema (zod records) drops such a key when
 *   the snapshot is read back, which would silently turn the tag set into another one; unknown
 *   instead, the same before and after storage.
 */
export const readResourceTags = (
  list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): ResourceTags | undefined => {
  if (!Array.isArray(list)) return undefined;
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  for (const tag of list) {
    const key: unknown = tag?.Key;
    const value: unknown = tag?.Value;
    if (typeof key !== 'string' || key === '' || key === '__proto__') return undefined;
    if (typeof value !== 'string' || seen.has(key)) return undefined;
    seen.add(key);
    entries.push([key, value]);
  }
  // fromEntries defines own properties: no key can reach Object.prototype's setters.
  return Object.fromEntries(entries);
};

/** `{ tags }` when they are known, else nothing: spread into a snapshot item, absent stays absent. */
export const tagsField = (
  list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): { tags?: ResourceTags } => {
  const tags = readResourceTags(list);
  return tags === undefined ? {} : { tags };
};
