import { parseQueueMessage } from '../../../src/aws/events/eventbridge-envelope';
import { aRecord, eventBridgeEvent, snsNotification } from './wire';

const SECRET = 'SECRET-MARKER-do-not-log';

describe('parseQueueMessage', () => {
  it('when the body is an EventBridge CloudTrail event, then its detail is the record and the envelope is named', () => {
    const record = aRecord();
    const parsed = parseQueueMessage(JSON.stringify(eventBridgeEvent(record)));
    expect(parsed).toEqual({
      ok: true,
      record,
      envelope: 'eventbridge',
      eventBridge: {
        id: `eb-${record.eventID}`,
        account: '111111111111',
        region: 'us-east-1',
        detailType: 'AWS API Call via CloudTrail',
      },
    });
  });

  it.each([
    'AWS Console Sign In via CloudTrail',
    'AWS Service Event via CloudTrail',
    'AWS Console Action via CloudTrail',
  ])('when the detail-type is "%s", then it is read as a CloudTrail record too', (detailType) => {
    const record = aRecord({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin' });
    const parsed = parseQueueMessage(JSON.stringify(eventBridgeEvent(record, detailType)));
    expect(parsed.ok && parsed.record.eventName).toBe('ConsoleLogin');
  });

  it('when the body is a bare CloudTrail record, then it is read as is', () => {
    const record = aRecord();
    expect(parseQueueMessage(JSON.stringify(record))).toEqual({
      ok: true,
      record,
      envelope: 'cloudtrail',
      eventBridge: null,
    });
  });

  it('when an SNS notification wraps an EventBridge event, then the record inside is read', () => {
    const record = aRecord();
    const parsed = parseQueueMessage(JSON.stringify(snsNotification(eventBridgeEvent(record))));
    expect(parsed.ok && { record: parsed.record, envelope: parsed.envelope }).toEqual({ record, envelope: 'sns' });
  });

  it('when an SNS notification wraps a bare record, then the record is read', () => {
    const record = aRecord();
    const parsed = parseQueueMessage(JSON.stringify(snsNotification(record)));
    expect(parsed.ok && parsed.record).toEqual(record);
  });

  it('when unknown fields are in the record, then they pass through untouched', () => {
    const record = { ...aRecord(), tlsDetails: { tlsVersion: 'TLSv1.3' } };
    const parsed = parseQueueMessage(JSON.stringify(eventBridgeEvent(record)));
    expect(parsed.ok && (parsed.record as Record<string, unknown>).tlsDetails).toEqual({ tlsVersion: 'TLSv1.3' });
  });

  describe('when the body is not a CloudTrail record, then it is refused with a reason that never quotes it', () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['no body', undefined, /empty message body/],
      ['a blank body', '   ', /empty message body/],
      ['text that is not JSON', `{"eventID": "${SECRET}"`, /not valid JSON/],
      ['a JSON array', JSON.stringify([SECRET]), /not an object/],
      ['a JSON string', JSON.stringify(SECRET), /not an object/],
      [
        'an EventBridge event from another service',
        JSON.stringify({
          ...eventBridgeEvent(aRecord()),
          'detail-type': `EC2 Instance State-change ${SECRET}`,
          detail: { state: SECRET },
        }),
        /not from CloudTrail/,
      ],
      [
        'an EventBridge event whose detail has no eventID',
        JSON.stringify(eventBridgeEvent({ ...aRecord(), eventID: undefined as unknown as string, eventName: SECRET })),
        /detail is not a CloudTrail record: eventID/,
      ],
      [
        'an EventBridge event without its envelope fields',
        JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: aRecord({ eventName: SECRET }) }),
        /EventBridge event without a readable version, id/,
      ],
      ['a record without eventName', JSON.stringify({ ...aRecord(), eventName: 42, userAgent: SECRET }), /eventName/],
      [
        'an SNS notification whose Message is not JSON',
        JSON.stringify({ Type: 'Notification', Message: `not json ${SECRET}` }),
        /Message is not valid JSON/,
      ],
      [
        'an SNS notification without a Message',
        JSON.stringify({ Type: 'Notification', Subject: SECRET }),
        /without a Message/,
      ],
      [
        'an SNS notification inside an SNS notification',
        JSON.stringify(snsNotification(snsNotification(aRecord({ eventName: SECRET })))),
        /not a CloudTrail record/,
      ],
    ];
    it.each(cases)('%s', (_name, body, reason) => {
      const parsed = parseQueueMessage(body);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.reason).toMatch(reason);
      expect(parsed.reason).not.toContain(SECRET);
    });
  });
});
