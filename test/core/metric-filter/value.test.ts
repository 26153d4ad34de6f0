import { shapeMatches, shapeOf, shapesDisjoint, shapeWithin } from '../../../src/core/metric-filter/value';

const within = (a: string, b: string) => shapeWithin(shapeOf(a), shapeOf(b));
const disjoint = (a: string, b: string) => shapesDisjoint(shapeOf(a), shapeOf(b));

describe('shapeOf', () => {
  it.each([
    ['CreateTrail', { kind: 'exact', text: 'CreateTrail' }],
    ['AccessDenied*', { kind: 'glob', leading: false, core: 'AccessDenied', trailing: true }],
    ['*UnauthorizedOperation', { kind: 'glob', leading: true, core: 'UnauthorizedOperation', trailing: false }],
    ['*Policy*', { kind: 'glob', leading: true, core: 'Policy', trailing: true }],
    ['*', { kind: 'glob', leading: true, core: '', trailing: false }],
    // The docs: `Ev*ent` "will only match the actual string Ev*ent".
    ['Put*Policy', { kind: 'opaque', text: 'Put*Policy' }],
  ])('when the value is %s, then its shape is %o', (text, shape) => {
    expect(shapeOf(text)).toEqual(shape);
  });
});

describe('shapeMatches', () => {
  it('when a * may have to match one character or more, then it does not match nothing there', () => {
    expect(shapeMatches(shapeOf('AccessDenied*'), 'AccessDenied', 0)).toBe(true);
    expect(shapeMatches(shapeOf('AccessDenied*'), 'AccessDenied', 1)).toBe(false);
    expect(shapeMatches(shapeOf('AccessDenied*'), 'AccessDeniedException', 1)).toBe(true);
  });

  it('when the case differs, then it does not match (filters are case sensitive)', () => {
    expect(shapeMatches(shapeOf('ConsoleLogin'), 'consolelogin')).toBe(false);
    expect(shapeMatches(shapeOf('*operation'), 'UnauthorizedOperation')).toBe(false);
  });
});

describe('shapeWithin (every string the first matches, the second matches)', () => {
  it.each([
    ['AccessDenied*', 'AccessDenied*'],
    ['AccessDenied*', 'Access*'],
    ['*UnauthorizedOperation', '*Operation'],
    ['*UnauthorizedOperation', '*Unauthorized*'],
    ['AccessDenied*', '*Denied*'],
    ['AccessDeniedException', 'AccessDenied*'],
    ['DeletePolicy', 'Delete*'],
    ['X', '*'],
    ['X*', '*'],
    ['Put*Policy', 'Put*Policy'],
  ])('when %s and %s, then the first is within the second', (a, b) => {
    expect(within(a, b)).toBe(true);
  });

  it.each([
    ['AccessDenied*', 'AccessDenied', 'a glob is never within one literal'],
    ['Access*', 'AccessDenied*', 'the wider glob'],
    ['*Operation', 'Unauthorized*', 'a suffix and a prefix'],
    ['*X*', 'X*', 'a contains and a prefix'],
    ['PutRolePolicy', 'Put*Policy', 'an interior * reads as a literal'],
    ['AccessDenied', 'AccessDenied*', 'a * that may have to match one character'],
    ['Policy', '*Policy*', 'the same, on both sides'],
    ['*', 'X*', 'anything within a prefix'],
  ])('when %s and %s, then it is not within (%s)', (a, b) => {
    expect(within(a, b)).toBe(false);
  });
});

describe('shapesDisjoint (no string matches both)', () => {
  it.each([
    ['AccessDenied*', 'HeadBucket'],
    ['Root', 'IAMUser'],
    ['Access*', 'Head*'],
    ['*Operation', '*Bucket'],
  ])('when %s and %s, then they are disjoint', (a, b) => {
    expect(disjoint(a, b)).toBe(true);
  });

  it.each([
    ['AccessDenied*', 'AccessDeniedException'],
    ['Access*', 'AccessDenied*'],
    ['Access*', '*Bucket'],
    ['*X*', 'YX'],
    ['Put*Policy', 'Other'],
  ])('when %s and %s, then they may share a string', (a, b) => {
    expect(disjoint(a, b)).toBe(false);
  });
});
