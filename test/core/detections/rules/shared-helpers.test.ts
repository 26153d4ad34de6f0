import * as cisCommon from '../../../../src/core/detections/rules/cis/common';
import * as exposureCommon from '../../../../src/core/detections/rules/exposure/common';
import { clip, ec2Items, firstText, quoted, tidy } from '../../../../src/core/detections/rules/shared/helpers';

/** The helpers every rule shares live once, in rules/shared/helpers.ts; cis/ and exposure/ add only their own. */
describe('rules/shared/helpers', () => {
  it('when the CIS and exposure helper modules are loaded, then neither carries its own copy of a shared helper', () => {
    const shared = ['clip', 'quoted', 'shown', 'firstText', 'ec2Items', 'tidy', 'matchOf', 'isJson', 'isObject'];
    shared.push('partitionOf', 'regionOf', 'recordAccount');
    expect(Object.keys(cisCommon).filter((k) => shared.includes(k))).toEqual([]);
    expect(Object.keys(exposureCommon).filter((k) => shared.includes(k))).toEqual([]);
  });

  it('when an EC2 list is {items}, {} or absent, then its items or none; any other shape is unreadable (null), never empty', () => {
    expect(ec2Items({ items: [{ a: 1 }, 'odd'] })).toEqual([{ a: 1 }, 'odd']);
    expect(ec2Items({})).toEqual([]);
    expect(ec2Items(undefined)).toEqual([]);
    expect(ec2Items(null)).toEqual([]);
    expect(ec2Items('tcp/22')).toBeNull();
    expect(ec2Items({ item: [] })).toBeNull();
    expect(ec2Items({ items: 'x' })).toBeNull();
  });

  it('when a value is long or missing, then quoted clips it in backticks or gives the words for it', () => {
    expect(quoted('sg-1')).toBe('`sg-1`');
    expect(quoted(undefined)).toBe('a resource the record does not name');
    expect(quoted('', 'a policy the record does not name')).toBe('a policy the record does not name');
    expect(quoted('x'.repeat(200))).toBe(`\`${'x'.repeat(79)}…\``);
    expect(clip('abcdef', 4)).toBe('abc…');
  });

  it('when several paths are given, then firstText takes the first non-empty text', () => {
    expect(firstText({ a: '', b: { c: 'yes' } }, ['a'], ['b', 'c'])).toBe('yes');
    expect(firstText(null, ['a'])).toBeUndefined();
  });

  it('when a match has undefined fields, then tidy leaves them out', () => {
    const resource = { type: 'AwsAccount', id: '1', arn: null, region: 'global' };
    expect(tidy({ summary: 's', resource, undo: undefined, details: undefined })).toEqual({ summary: 's', resource });
    expect('undo' in tidy({ summary: 's', resource, undo: undefined })).toBe(false);
  });
});
