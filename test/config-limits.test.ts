import { DEFAULT_LIMITS, parseConfig } from '../src/config';

describe('limits in cloudsec.yml', () => {
  it('when limits are left out, then fresh scans and scans at once still have bounds', () => {
    expect(parseConfig('{}', 'cloudsec.yml').limits).toEqual({ freshScansPerUserPerHour: 10, concurrentScans: 4 });
    expect(DEFAULT_LIMITS).toEqual({ freshScansPerUserPerHour: 10, concurrentScans: 4 });
  });

  it('when limits are set, then they are used', () => {
    const config = parseConfig('limits:\n  freshScansPerUserPerHour: 3\n  concurrentScans: 2\n', 'cloudsec.yml');
    expect(config.limits).toEqual({ freshScansPerUserPerHour: 3, concurrentScans: 2 });
  });

  it('when one limit is set, then the other keeps its default', () => {
    expect(parseConfig('limits:\n  concurrentScans: 1\n', 'cloudsec.yml').limits).toEqual({
      freshScansPerUserPerHour: 10,
      concurrentScans: 1,
    });
  });

  it.each([
    ['freshScansPerUserPerHour: 0', 'limits.freshScansPerUserPerHour'],
    ['concurrentScans: 0', 'limits.concurrentScans'],
    ['concurrentScans: 2.5', 'limits.concurrentScans'],
    ['concurrentScans: "4"', 'limits.concurrentScans'],
    ['concurentScans: 4', 'limits'],
  ])('when the limits say %s, then the config is refused naming %s', (line, where) => {
    expect(() => parseConfig(`limits:\n  ${line}\n`, 'cloudsec.yml')).toThrow(`cloudsec.yml: ${where}`);
  });
});
